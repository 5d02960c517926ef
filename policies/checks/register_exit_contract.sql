-- RBC22-EXIT: one row per discovered cloud service.
select a.provider, a.account_id, null as resource_id,
  case when rs.exit_portability_terms is not null then 'pass' else 'fail' end as status,
  case
    when rs.id is null then 'register_exit_contract.not_registered'
    when rs.exit_portability_terms is null then 'register_exit_contract.no_terms'
    else 'register_exit_contract.terms'
  end as message_key,
  a.kind, a.name, rs.exit_portability_terms, rs.name as register_name
from account a
left join register_service rs on rs.scan_id = a.scan_id and rs.provider = a.provider and rs.account_id = a.account_id
where a.scan_id = :scan_id and a.kind <> 'onprem-endpoint'
