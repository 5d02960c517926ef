-- Rule "explained": a 'fail' (or 'transition') finding becomes 'explained', keeping the entry's id,
-- only when all of these hold for a comply-or-explain entry ("pas toe of leg uit") of the register:
-- the control's text gives an explain route (pack_control.explain_route is set: in the packs only
-- Rijksbreed 2022 conditions 10 and 11); the entry's scope covers the finding (provider, account
-- and resource uid, each null meaning any; the register only accepts provider and account named,
-- or an explicit scope = "all"); it is valid on the scan date (approved_on <= scan date < expires);
-- and the route's conditions (pack_control.explain_requires) are recorded: condition 10 the art. 46
-- transfer mechanism (9c) and the date the explain was sent to CIO Rijk (not after the scan date);
-- condition 11 the dates CIO Rijk's advice was requested and given, both on or before the approval.
-- Several entries may cover a finding: it keeps the lowest entry id.
update finding_draft set status = 'explained', explain_id = covered.explain_id
from (
  select f.id as finding_id, min(e.id) as explain_id
  from finding_draft f
  join register_explain e on e.scan_id = f.scan_id and e.control_id = f.control_id
  join pack_control pc on pc.scan_id = e.scan_id and pc.control_id = e.control_id and pc.pack = f.pack
  left join resource_row rr on rr.id = f.resource_id  -- the view resource would be materialised whole here
  left join resource_state r on r.id = rr.state_id
  where f.scan_id = :scan_id and f.status in ('fail', 'transition')
    and pc.explain_route is not null
    and (e.provider is null or e.provider = f.provider)
    and (e.account_id is null or e.account_id = f.account_id)
    and (e.resource_uid is null or e.resource_uid = r.uid)
    and e.approved_on <= :scan_date and e.expires > :scan_date
    and (';' || coalesce(pc.explain_requires, '') || ';' not like '%;transfer_mechanism;%'
         or e.transfer_mechanism is not null)
    and (';' || coalesce(pc.explain_requires, '') || ';' not like '%;sent_to_cio_rijk;%'
         or e.sent_to_cio_rijk <= :scan_date)
    and (';' || coalesce(pc.explain_requires, '') || ';' not like '%;advice_requested;%'
         or e.advice_requested <= e.approved_on)
    and (';' || coalesce(pc.explain_requires, '') || ';' not like '%;advised_on;%'
         or (e.advised_on <= e.approved_on and e.advised_on >= coalesce(e.advice_requested, e.advised_on)))
  group by f.id
) covered
where finding_draft.id = covered.finding_id
