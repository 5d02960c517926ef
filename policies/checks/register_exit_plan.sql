-- RBC26-EXITPLAN: one row per discovered cloud service; the message names the missing plan(s).
select a.provider, a.account_id, null as resource_id,
  case
    when rs.id is null then 'fail'
    when not rs.material then 'not_applicable'
    when rs.exit_plan_ref is null or rs.emergency_plan_ref is null then 'fail'
    else 'pass'
  end as status,
  case
    when rs.id is null then 'register_exit_plan.not_registered'
    when not rs.material then 'register_exit_plan.not_material'
    when rs.exit_plan_ref is null and rs.emergency_plan_ref is null then 'register_exit_plan.both_missing'
    when rs.exit_plan_ref is null then 'register_exit_plan.exit_missing'
    when rs.emergency_plan_ref is null then 'register_exit_plan.emergency_missing'
    else 'register_exit_plan.plans'
  end as message_key,
  a.kind, a.name, rs.material, rs.exit_plan_ref, rs.emergency_plan_ref
from account a
left join register_service rs on rs.scan_id = a.scan_id and rs.provider = a.provider and rs.account_id = a.account_id
where a.scan_id = :scan_id and a.kind <> 'onprem-endpoint'
