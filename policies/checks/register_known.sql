-- RBC22-KNOWN: one row per discovered cloud service.
select a.provider, a.account_id, null as resource_id,
  case when rs.id is null then 'fail' else 'pass' end as status,
  case when rs.id is null then 'Discovered ' || a.kind || ' ' || a.account_id || coalesce(' (' || a.name || ')', '')
                               || ' is not in the register'
       else 'In the register as ' || rs.name || coalesce(', owner ' || rs.owner, '') end as message,
  a.kind, a.name, a.estate, rs.name as register_name, rs.owner
from account a
left join register_service rs on rs.scan_id = a.scan_id and rs.provider = a.provider and rs.account_id = a.account_id
where a.scan_id = :scan_id and a.kind <> 'onprem-endpoint'
