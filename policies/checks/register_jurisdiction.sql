-- RBC26-JURISDICTION: one row per discovered cloud service, with concentration figures: the
-- provider's share of all resources and of all services found in this scan.
select a.provider, a.account_id, null as resource_id,
  case
    when coalesce(c.eea, false) then 'pass'
    when rs.id is null then 'fail'
    when not rs.material then 'not_applicable'
    when rs.risk_covers_jurisdiction then 'pass'
    else 'fail'
  end as status,
  case
    when coalesce(c.eea, false) then 'Supplier under ' || p.jurisdiction || ' jurisdiction (EEA)'
    when rs.id is null then a.kind || ' ' || a.account_id || ' is not in the register; supplier under '
      || coalesce(p.jurisdiction, 'unknown') || ' jurisdiction'
    when not rs.material then 'Use is not material'
    when rs.risk_covers_jurisdiction then 'Risk assessment ' || coalesce(rs.risk_assessment_ref, '?')
      || ' covers ' || p.jurisdiction || ' jurisdiction and supplier dependency'
    else 'Material use of a supplier under ' || coalesce(p.jurisdiction, 'unknown')
      || ' jurisdiction; the risk assessment does not cover jurisdiction'
  end as message,
  p.jurisdiction, rs.material, rs.risk_assessment_ref, rs.risk_covers_jurisdiction,
  (select count(*) from resource r where r.scan_id = a.scan_id and r.provider = a.provider) as provider_resources,
  (select count(*) from resource r where r.scan_id = a.scan_id) as all_resources,
  (select count(*) from account o where o.scan_id = a.scan_id and o.provider = a.provider) as provider_services,
  (select count(*) from account o where o.scan_id = a.scan_id and o.kind <> 'onprem-endpoint') as all_services
from account a
left join ref_provider p on p.provider = a.provider
left join ref_country c on c.iso2 = p.jurisdiction
left join register_service rs on rs.scan_id = a.scan_id and rs.provider = a.provider and rs.account_id = a.account_id
where a.scan_id = :scan_id and a.kind <> 'onprem-endpoint'
