-- Rule "error_subject" (after rule error): a failed per-resource call names its resource in
-- collection.subject. When its area is one a check requires (or 'accounts'), that check's findings
-- for that resource become 'error', whatever the check said: what the call would have shown was not
-- observed. check_status keeps the check's verdict; account-level findings are rule error's. The message
-- names the first failed call (rules.not_observed in policies/messages/rules.toml).
with failed as materialized (  -- this scan's failed per-resource calls, each with its resource and the checks it affects
  select r.id as resource_id, cs.check_id, c.call, c.region, c.error, c.permission
  from collection c
  join resource r on r.scan_id = c.scan_id and r.provider = c.provider and r.account_id = c.account_id
    and r.uid = c.subject
  join check_source cs on cs.scan_id = c.scan_id
    and (c.area = 'accounts' or ';' || cs.requires || ';' like '%;' || c.area || ';%')
  where c.scan_id = :scan_id and not c.ok and c.subject is not null)
update finding_draft set status = 'error', message_key = 'rules.not_observed',
  message_params = (
    select json_object('call', c.call, 'region', coalesce(c.region, 'global'), 'error', c.error, 'permission', c.permission)
    from failed c where c.resource_id = finding_draft.resource_id and c.check_id = finding_draft.check_id
    order by c.call, coalesce(c.region, ''), coalesce(c.error, ''), coalesce(c.permission, '') limit 1)
where scan_id = :scan_id and resource_id is not null and check_id is not null and status <> 'error'
  and exists (select 1 from failed c where c.resource_id = finding_draft.resource_id and c.check_id = finding_draft.check_id)
