-- JENV25-CSP-RISK and RBC22-RISK: one row per discovered cloud service.
select a.provider, a.account_id, null as resource_id,
  case when rs.risk_assessment_ref is not null and rs.risk_assessment_date is not null then 'pass' else 'fail' end as status,
  case
    when rs.id is null then a.kind || ' ' || a.account_id || ' is not in the register, so no risk assessment is on record'
    when rs.risk_assessment_ref is null then 'The register names no risk assessment / DPIA for ' || rs.name
    when rs.risk_assessment_date is null then 'The risk assessment ' || rs.risk_assessment_ref || ' has no date'
    else 'Risk assessment ' || rs.risk_assessment_ref || ' of ' || rs.risk_assessment_date
  end as message,
  a.kind, a.name, rs.risk_assessment_ref, rs.risk_assessment_date
from account a
left join register_service rs on rs.scan_id = a.scan_id and rs.provider = a.provider and rs.account_id = a.account_id
where a.scan_id = :scan_id and a.kind <> 'onprem-endpoint'
