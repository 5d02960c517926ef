-- JENV25-CSP-EXIT: one row per discovered cloud service; the message names the missing parts.
select a.provider, a.account_id, null as resource_id,
  case when rs.exit_portability_terms is not null and rs.exit_alternative is not null
        and rs.exit_crisis is not null and rs.exit_regular is not null then 'pass' else 'fail' end as status,
  case
    when rs.id is null then a.kind || ' ' || a.account_id || ' is not in the register, so no exit strategy is on record'
    when rs.exit_portability_terms is not null and rs.exit_alternative is not null
         and rs.exit_crisis is not null and rs.exit_regular is not null then 'Exit strategy has all four parts'
    else 'Exit strategy is missing:'
      || case when rs.exit_portability_terms is null then ' supplier terms on portability and destruction;' else '' end
      || case when rs.exit_alternative is null then ' alternative supplier or landing place;' else '' end
      || case when rs.exit_crisis is null then ' crisis exit strategy and budget;' else '' end
      || case when rs.exit_regular is null then ' regular end-of-contract strategy and budget;' else '' end
  end as message,
  a.kind, a.name, rs.exit_portability_terms, rs.exit_alternative, rs.exit_crisis, rs.exit_regular
from account a
left join register_service rs on rs.scan_id = a.scan_id and rs.provider = a.provider and rs.account_id = a.account_id
where a.scan_id = :scan_id and a.kind <> 'onprem-endpoint'
