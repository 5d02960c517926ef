-- Rule "error_added" (after rule error): for each failed collection in an area a check requires
-- (or in area 'accounts', which every check needs),
-- one account-level 'error' finding per control and account (or estate, when no account was
-- known), unless rule error already produced one; its message names the first failed call and the
-- number of failed calls (rules.not_observed_account, or rules.not_observed_estate).
insert into finding_draft (scan_id, pack, control_id, check_id, status, check_status, severity, message, message_key,
                     message_params, provider, account_id, resource_id)
select g.scan_id, g.pack, g.control_id, g.check_id, 'error', 'error', g.severity, '',
       case when g.account_id is null then 'rules.not_observed_estate' else 'rules.not_observed_account' end,
       json_object('call', g.call, 'region', coalesce(g.region, 'global'), 'error', g.error, 'permission', g.permission,
                   'failed', g.failed, 'estate', g.estate),
       g.provider, g.account_id, null
from (
  select c.scan_id, pc.pack, pc.control_id, cs.check_id, pc.severity, c.provider, c.account_id, c.estate, c.call,
    c.region, c.error, c.permission,
    row_number() over (partition by pc.pack, pc.control_id, cs.check_id, c.provider, c.account_id, c.estate
                       order by c.call, coalesce(c.region, ''), coalesce(c.error, ''), coalesce(c.permission, '')) as n,
    count(*) over (partition by pc.pack, pc.control_id, cs.check_id, c.provider, c.account_id, c.estate) as failed
  from collection c
  join check_source cs on cs.scan_id = c.scan_id
    and (c.area = 'accounts' or ';' || cs.requires || ';' like '%;' || c.area || ';%')
    and ';' || cs.providers || ';' like '%;' || c.provider || ';%'
  join pack_control pc on pc.scan_id = c.scan_id and ';' || pc.checks || ';' like '%;' || cs.check_id || ';%'
  where c.scan_id = :scan_id and not c.ok
    and not exists (
      select 1 from finding_draft f where f.scan_id = c.scan_id and f.pack = pc.pack and f.control_id = pc.control_id
        and f.check_id = cs.check_id and f.resource_id is null and f.provider = c.provider and f.status = 'error'
        and (f.account_id = c.account_id or (f.account_id is null and c.account_id is null)))
) g
where g.n = 1
