-- JENV25-CSP-RISK and RBC22-RISK: one row per discovered cloud service.
select a.provider, a.account_id, null as resource_id,
  case when rs.risk_assessment_ref is not null and rs.risk_assessment_date is not null then 'pass' else 'fail' end as status,
  case
    when rs.id is null then 'register_risk.not_registered'
    when rs.risk_assessment_ref is null then 'register_risk.none'
    when rs.risk_assessment_date is null then 'register_risk.no_date'
    else 'register_risk.assessed'
  end as message_key,
  a.kind, a.name, rs.risk_assessment_ref, rs.risk_assessment_date, rs.name as register_name
from account a
left join register_service rs on rs.scan_id = a.scan_id and rs.provider = a.provider and rs.account_id = a.account_id
where a.scan_id = :scan_id and a.kind <> 'onprem-endpoint'
