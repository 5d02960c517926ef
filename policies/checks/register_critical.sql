-- RBC26-CRITICAL: one row per discovered cloud service; applies when the organisation profile
-- (config organisation.profile, parameter profile) is critical or essential.
select a.provider, a.account_id, null as resource_id,
  case
    when :profile not in ('critical', 'essential') then 'not_applicable'
    when coalesce(p.jurisdiction_eea, false) then 'pass'
    when rs.id is null or rs.material then 'fail'
    else 'pass'
  end as status,
  case
    when :profile not in ('critical', 'essential') then 'register_critical.not_critical'
    when coalesce(p.jurisdiction_eea, false) then 'register_critical.eea'
    when rs.id is null then 'register_critical.not_registered'
    when rs.material then 'register_critical.core_tasks'
    else 'register_critical.not_material'
  end as message_key,
  :profile as organisation_profile, p.jurisdiction, rs.material
from account a
left join fact_provider p on p.scan_id = a.scan_id and p.provider = a.provider
left join register_service rs on rs.scan_id = a.scan_id and rs.provider = a.provider and rs.account_id = a.account_id
where a.scan_id = :scan_id and a.kind <> 'onprem-endpoint'
