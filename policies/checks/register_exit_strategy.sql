-- JENV25-CSP-EXIT: one row per discovered cloud service; the message names the missing parts.
select a.provider, a.account_id, null as resource_id,
  case when rs.exit_portability_terms is not null and rs.exit_alternative is not null
        and rs.exit_crisis is not null and rs.exit_regular is not null then 'pass' else 'fail' end as status,
  case
    when rs.id is null then 'register_exit_strategy.not_registered'
    when rs.exit_portability_terms is not null and rs.exit_alternative is not null
         and rs.exit_crisis is not null and rs.exit_regular is not null then 'register_exit_strategy.complete'
    else 'register_exit_strategy.missing'
  end as message_key,
  a.kind, a.name, rs.exit_portability_terms, rs.exit_alternative, rs.exit_crisis, rs.exit_regular,
  substr(case when rs.exit_portability_terms is null then ', exit_strategy.portability_terms' else '' end
         || case when rs.exit_alternative is null then ', exit_strategy.alternative' else '' end
         || case when rs.exit_crisis is null then ', exit_strategy.crisis' else '' end
         || case when rs.exit_regular is null then ', exit_strategy.regular' else '' end, 3) as missing
from account a
left join register_service rs on rs.scan_id = a.scan_id and rs.provider = a.provider and rs.account_id = a.account_id
where a.scan_id = :scan_id and a.kind <> 'onprem-endpoint'
