-- RBC26-NOTIFY: one row per discovered cloud service; only material use must be reported.
select a.provider, a.account_id, null as resource_id,
  case
    when rs.id is null then 'fail'
    when not rs.material then 'not_applicable'
    when rs.reported_to_cio_rijk is null then 'fail'
    else 'pass'
  end as status,
  case
    when rs.id is null then 'register_notify.not_registered'
    when not rs.material then 'register_notify.not_material'
    when rs.reported_to_cio_rijk is null then 'register_notify.not_reported'
    else 'register_notify.reported'
  end as message_key,
  a.kind, a.name, rs.material, rs.reported_to_cio_rijk
from account a
left join register_service rs on rs.scan_id = a.scan_id and rs.provider = a.provider and rs.account_id = a.account_id
where a.scan_id = :scan_id and a.kind <> 'onprem-endpoint'
