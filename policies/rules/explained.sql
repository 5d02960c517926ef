-- Rule "explained": a failing (or transition) finding covered by a valid, unexpired comply-or-explain
-- entry of the register ("pas toe of leg uit") becomes 'explained' and keeps the entry's id.
-- Scope: the entry's provider, account and resource uid, each null meaning "any".
update finding set status = 'explained',
  explain_id = (select min(e.id) from register_explain e
    where e.scan_id = finding.scan_id and e.control_id = finding.control_id
      and (e.provider is null or e.provider = finding.provider)
      and (e.account_id is null or e.account_id = finding.account_id)
      and (e.resource_uid is null or e.resource_uid = (select r.uid from resource r where r.id = finding.resource_id))
      and e.approved_on <= :scan_date and e.expires > :scan_date)
where scan_id = :scan_id and status in ('fail', 'transition')
  and control_id in (select e.control_id from register_explain e where e.scan_id = :scan_id)
  and exists (select 1 from register_explain e
    where e.scan_id = finding.scan_id and e.control_id = finding.control_id
      and (e.provider is null or e.provider = finding.provider)
      and (e.account_id is null or e.account_id = finding.account_id)
      and (e.resource_uid is null or e.resource_uid = (select r.uid from resource r where r.id = finding.resource_id))
      and e.approved_on <= :scan_date and e.expires > :scan_date)
