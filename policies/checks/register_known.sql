-- RBC22-KNOWN: one row per discovered cloud service.
select a.provider, a.account_id, null as resource_id,
  case when rs.id is null then 'fail' else 'pass' end as status,
  case when rs.id is null and a.name is null then 'register_known.not_registered'
       when rs.id is null then 'register_known.not_registered_named'
       when rs.owner is null then 'register_known.registered'
       else 'register_known.registered_owner' end as message_key,
  a.kind, a.name, a.estate, rs.name as register_name, rs.owner
from account a
left join register_service rs on rs.scan_id = a.scan_id and rs.provider = a.provider and rs.account_id = a.account_id
where a.scan_id = :scan_id and a.kind <> 'onprem-endpoint'
