-- RBC26-JURISDICTION: one row per discovered cloud service, with concentration figures: the
-- provider's share of all resources and of all services found in this scan.
with per_provider as (
  select provider, count(*) as resources from resource where scan_id = :scan_id group by provider
),
services as (
  select provider, count(*) as services from account
  where scan_id = :scan_id and kind <> 'onprem-endpoint' group by provider
)
select a.provider, a.account_id, null as resource_id,
  case
    when coalesce(p.jurisdiction_eea, false) then 'pass'
    when rs.id is null then 'fail'
    when not rs.material then 'not_applicable'
    when rs.risk_covers_jurisdiction then 'pass'
    else 'fail'
  end as status,
  case
    when coalesce(p.jurisdiction_eea, false) then 'register_jurisdiction.eea'
    when rs.id is null then 'register_jurisdiction.not_registered'
    when not rs.material then 'register_jurisdiction.not_material'
    when rs.risk_covers_jurisdiction then 'register_jurisdiction.covered'
    else 'register_jurisdiction.not_covered'
  end as message_key,
  p.jurisdiction, rs.material, rs.risk_assessment_ref, rs.risk_covers_jurisdiction, a.kind,
  coalesce(pp.resources, 0) as provider_resources,
  (select coalesce(sum(resources), 0) from per_provider) as all_resources,
  coalesce(sv.services, 0) as provider_services,
  (select coalesce(sum(services), 0) from services) as all_services
from account a
left join fact_provider p on p.scan_id = a.scan_id and p.provider = a.provider
left join register_service rs on rs.scan_id = a.scan_id and rs.provider = a.provider and rs.account_id = a.account_id
left join per_provider pp on pp.provider = a.provider
left join services sv on sv.provider = a.provider
where a.scan_id = :scan_id and a.kind <> 'onprem-endpoint'
