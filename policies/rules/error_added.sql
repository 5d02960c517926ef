-- Rule "error_added" (after rule error): for each failed collection in an area a check requires
-- (or in area 'accounts', which every check needs),
-- one account-level 'error' finding per control and account (or estate, when no account was
-- known), unless rule error already produced one.
insert into finding (scan_id, pack, control_id, check_id, status, check_status, severity, message,
                     provider, account_id, resource_id)
select c.scan_id, pc.pack, pc.control_id, cs.check_id, 'error', 'error', pc.severity,
       'Not observed: ' || min(c.call || coalesce(' in ' || c.region, '') || ' failed: '
                               || coalesce(c.error, 'unknown error') || coalesce(' (needs ' || c.permission || ')', ''))
       || case when count(*) > 1 then ' (and ' || (count(*) - 1) || ' more failed calls)' else '' end
       || case when c.account_id is null then ' [estate ' || c.estate || ']' else '' end,
       c.provider, c.account_id, null
from collection c
join check_source cs on cs.scan_id = c.scan_id
  and (c.area = 'accounts' or ';' || cs.requires || ';' like '%;' || c.area || ';%')
  and ';' || cs.providers || ';' like '%;' || c.provider || ';%'
join pack_control pc on pc.scan_id = c.scan_id and ';' || pc.checks || ';' like '%;' || cs.check_id || ';%'
where c.scan_id = :scan_id and not c.ok
  and not exists (
    select 1 from finding f where f.scan_id = c.scan_id and f.pack = pc.pack and f.control_id = pc.control_id
      and f.check_id = cs.check_id and f.resource_id is null and f.provider = c.provider and f.status = 'error'
      and (f.account_id = c.account_id or (f.account_id is null and c.account_id is null)))
group by c.scan_id, pc.pack, pc.control_id, cs.check_id, pc.severity, c.provider, c.account_id, c.estate
