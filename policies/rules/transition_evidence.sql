-- Rule "transition_evidence" (Rijksbreed cloudbeleid 2026, section 1; runs before rule "transition"):
-- for every 'fail' finding of a control whose pack_control.transition is true, record in
-- finding_transition the facts the transition period is decided on.
-- Existing use (existing_since): a resource's creation time from the provider, else its first
-- sighting in the inventory; a service (account-level finding): the provider's creation time, else
-- its first sighting, or the register's in_use_since when that is later. A register claim can make
-- use newer, never older than the provider's evidence.
-- Never covered (excluded), because the 2022 policy did not allow it: a resource classified
-- staatsgeheim or tbb1-3 (2022 Uitzonderingen; 2026 section 5.2 "blijft niet toegestaan"), a
-- resource in a state with an offensive cyber programme, a supplier under such a state's
-- jurisdiction (2022 condition 7); persoonsgegevens outside the EEA and adequacy countries
-- without a 9c transfer record in the register (mechanism and DPIA sent; condition 9);
-- bijzondere-persoonsgegevens there without a valid condition 10 explain, basisregistratie-bron without a valid condition 11
-- explain (the explain's scope, dates and route conditions as in rule "explained"); for a
-- service, its register classification or its supplier.
-- Deadline: the register's contract_end when later than the pack's deadline and the contract was
-- concluded (contract_start) before existing_before ("Bestaande overeenkomsten met een langere
-- looptijd"); else the pack's deadline.
-- Outcome: excluded, not_existing (began on or after existing_before), ended (the deadline is on or
-- before the scan date) or transition; due_soon: a transition whose deadline is on or before
-- due_soon_until (the scan date plus the configured horizon).
insert into finding_transition_draft (finding_id, scan_id, existing_since, existing_source, existing_before, excluded,
                                deadline, deadline_rule, outcome, due_soon)
select e.id, e.scan_id, e.since, e.source, e.existing_before, e.excluded, e.deadline, e.deadline_rule,
  case when e.excluded is not null then 'excluded'
       when e.since >= e.existing_before then 'not_existing'
       when e.deadline <= :scan_date then 'ended'
       else 'transition' end,
  case when e.excluded is null and e.since < e.existing_before and e.deadline > :scan_date
            and e.deadline <= :due_soon_until then true else false end
from (
  select s.id, s.scan_id, s.existing_before, s.excluded,
    case when s.in_use_since > s.observed then s.in_use_since else s.observed end as since,
    case when s.in_use_since > s.observed then 'in_use_since' else s.observed_source end as source,
    case when s.contract_end > s.policy_deadline and s.contract_start < s.existing_before then s.contract_end
         else s.policy_deadline end as deadline,
    case when s.contract_end > s.policy_deadline and s.contract_start < s.existing_before then 'contract_end'
         else 'policy' end as deadline_rule
  from (
    select f.id, f.scan_id, pc.existing_before, pc.transition_deadline as policy_deadline,
      rs.contract_end, rs.contract_start,
      case when f.resource_id is null then rs.in_use_since end as in_use_since,
      case when f.resource_id is not null then coalesce(r.created_at, fr.first_seen)
           else coalesce(a.created_at, (select min(s2.started_at) from account a2 join scan s2 on s2.id = a2.scan_id
                                         where a2.provider = f.provider and a2.account_id = f.account_id)) end
        as observed,
      case when f.resource_id is not null and r.created_at is not null then 'created'
           when f.resource_id is null and a.created_at is not null then 'created'
           else 'first_seen' end as observed_source,
      case when f.resource_id is not null and fr.classification in ('staatsgeheim', 'tbb1', 'tbb2', 'tbb3')
             then 'classification ' || fr.classification
           when f.resource_id is not null and j.in_ocp_state = 1
             then 'located in a state with an offensive cyber programme (' || fr.countries || ')'
           when f.resource_id is not null and fr.classification = 'persoonsgegevens' and j.outside_adequacy = 1
                and (rs.transfer_mechanism is null or rs.transfer_dpia_sent is null)
             then 'persoonsgegevens outside the EEA and adequacy countries without a 9c transfer record'
           when f.resource_id is not null and fr.classification = 'bijzondere-persoonsgegevens'
                and j.outside_adequacy = 1
                and not exists (select 1 from register_explain e where e.scan_id = f.scan_id
                  and e.control_id = 'RBC22-SPECIAL' and (e.provider is null or e.provider = f.provider)
                  and (e.account_id is null or e.account_id = f.account_id)
                  and (e.resource_uid is null or e.resource_uid = r.uid)
                  and e.approved_on <= :scan_date and e.expires > :scan_date
                  and e.transfer_mechanism is not null and e.sent_to_cio_rijk <= :scan_date)
             then 'bijzondere-persoonsgegevens outside the EEA and adequacy countries without a condition 10 explain'
           when f.resource_id is not null and fr.classification = 'basisregistratie-bron'
                and not exists (select 1 from register_explain e where e.scan_id = f.scan_id
                  and e.control_id = 'RBC22-BASISREG' and (e.provider is null or e.provider = f.provider)
                  and (e.account_id is null or e.account_id = f.account_id)
                  and (e.resource_uid is null or e.resource_uid = r.uid)
                  and e.approved_on <= :scan_date and e.expires > :scan_date
                  and e.advice_requested <= e.advised_on and e.advised_on <= e.approved_on)
             then 'basisregistratie-bron without a condition 11 explain'
           when f.resource_id is null and rs.classification in ('staatsgeheim', 'tbb1', 'tbb2', 'tbb3')
             then 'register classification ' || rs.classification
           when coalesce(p.jurisdiction_ocp, false)
             then 'supplier under the jurisdiction of a state with an offensive cyber programme ('
                  || p.jurisdiction || ')'
      end as excluded
    from finding_draft f
    join pack_control pc on pc.scan_id = f.scan_id and pc.pack = f.pack and pc.control_id = f.control_id
    left join resource_row rr on rr.id = f.resource_id  -- the view resource would be materialised whole here
    left join resource_state r on r.id = rr.state_id
    left join fact_resource fr on fr.resource_id = f.resource_id
    left join fact_region j on j.scan_id = f.scan_id and j.provider = f.provider and j.region = fr.ref_region
    left join account a on a.scan_id = f.scan_id and a.provider = f.provider and a.account_id = f.account_id
    left join register_service rs on rs.scan_id = f.scan_id and rs.provider = f.provider
      and rs.account_id = f.account_id
    left join fact_provider p on p.scan_id = f.scan_id and p.provider = f.provider
    where f.scan_id = :scan_id and f.status = 'fail' and pc.transition and f.provider is not null
  ) s
  where s.observed is not null
) e
