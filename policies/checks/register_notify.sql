-- RBC26-NOTIFY: one row per discovered cloud service; only material use must be reported.
select a.provider, a.account_id, null as resource_id,
  case
    when rs.id is null then 'fail'
    when not rs.material then 'not_applicable'
    when rs.reported_to_cio_rijk is null then 'fail'
    else 'pass'
  end as status,
  case
    when rs.id is null then a.kind || ' ' || a.account_id || ' is not in the register: whether its use is material is unknown'
    when not rs.material then 'Use is not material'
    when rs.reported_to_cio_rijk is null then 'Material use not reported to CIO Rijk'
    else 'Reported to CIO Rijk on ' || rs.reported_to_cio_rijk
  end as message,
  a.kind, a.name, rs.material, rs.reported_to_cio_rijk
from account a
left join register_service rs on rs.scan_id = a.scan_id and rs.provider = a.provider and rs.account_id = a.account_id
where a.scan_id = :scan_id and a.kind <> 'onprem-endpoint'
