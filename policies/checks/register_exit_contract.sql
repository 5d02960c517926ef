-- RBC22-EXIT: one row per discovered cloud service.
select a.provider, a.account_id, null as resource_id,
  case when rs.exit_portability_terms is not null then 'pass' else 'fail' end as status,
  case
    when rs.id is null then a.kind || ' ' || a.account_id || ' is not in the register, so no exit strategy is on record'
    when rs.exit_portability_terms is null then 'The register names no contractual exit terms (data handover and destruction) for ' || rs.name
    else 'Contractual exit terms: ' || rs.exit_portability_terms
  end as message,
  a.kind, a.name, rs.exit_portability_terms
from account a
left join register_service rs on rs.scan_id = a.scan_id and rs.provider = a.provider and rs.account_id = a.account_id
where a.scan_id = :scan_id and a.kind <> 'onprem-endpoint'
