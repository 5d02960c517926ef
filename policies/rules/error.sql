-- Rule "error": not observed is not compliant.
-- A failed collection (collection.ok is false) in an area that a check requires, or in area
-- 'accounts' (which every check needs: an account that could not be entered was not observed at all),
-- turns that check's
-- account-level 'pass' and 'not_applicable' findings for the account into 'error'; a failure before
-- any account was known (collection.account_id is null) affects every account of that estate.
-- Failures that were observed and resource-level findings stay: those things were seen.
-- Rule error_added then adds an 'error' finding where none results. The message names the first
-- failed call (rules.not_observed in policies/messages/rules.toml).
with failed as materialized (  -- this scan's failed collections, each with the checks it affects
  select c.call, c.region, c.error, c.permission, c.provider, c.account_id, c.estate, cs.check_id
  from collection c join check_source cs on cs.scan_id = c.scan_id
    and (c.area = 'accounts' or ';' || cs.requires || ';' like '%;' || c.area || ';%')
  where c.scan_id = :scan_id and not c.ok)
update finding_draft set status = 'error', message_key = 'rules.not_observed',
  message_params = (
    select json_object('call', c.call, 'region', coalesce(c.region, 'global'), 'error', c.error, 'permission', c.permission)
    from failed c
    where c.check_id = finding_draft.check_id and c.provider = finding_draft.provider
      and (c.account_id = finding_draft.account_id
           or (c.account_id is null and exists (select 1 from account a where a.scan_id = finding_draft.scan_id
                 and a.provider = c.provider and a.estate = c.estate and a.account_id = finding_draft.account_id)))
    order by c.call, coalesce(c.region, ''), coalesce(c.error, ''), coalesce(c.permission, '') limit 1)
where scan_id = :scan_id and resource_id is null and check_id is not null
  and status in ('pass', 'not_applicable')
  and exists (
    select 1 from failed c
    where c.check_id = finding_draft.check_id and c.provider = finding_draft.provider
      and (c.account_id = finding_draft.account_id
           or (c.account_id is null and exists (select 1 from account a where a.scan_id = finding_draft.scan_id
                 and a.provider = c.provider and a.estate = c.estate and a.account_id = finding_draft.account_id))))
