-- Rule "accepted_risk" (after rule "explained"): a 'fail' finding covered by an accepted risk of the
-- register (a deviation the organisation knowingly accepted, mostly on a control without an explain
-- route) keeps its status 'fail' and records the entry in accepted_risk_id. Scope and validity as
-- in rule "explained": provider, account and resource uid (null meaning any), approved_on <= scan
-- date < expires.
update finding_draft set accepted_risk_id = (select min(k.id) from register_accepted_risk k
    where k.scan_id = finding_draft.scan_id and k.control_id = finding_draft.control_id
      and (k.provider is null or k.provider = finding_draft.provider)
      and (k.account_id is null or k.account_id = finding_draft.account_id)
      and (k.resource_uid is null or k.resource_uid = (select r.uid from resource r where r.id = finding_draft.resource_id))
      and k.approved_on <= :scan_date and k.expires > :scan_date)
where scan_id = :scan_id and status = 'fail'
  and control_id in (select k.control_id from register_accepted_risk k where k.scan_id = :scan_id)
