-- Rule "transition" (after rule "transition_evidence"): a 'fail' finding whose finding_transition
-- outcome is 'transition' becomes 'transition' with its deadline; one whose outcome is 'ended'
-- stays 'fail' and keeps its deadline (its message then says that the transition period ended:
-- rules.transition_ended, else rules.transition_until). Excluded and not_existing findings stay
-- 'fail' unchanged (finding_transition says why).
update finding_draft set
  status = (select case when t.outcome = 'transition' then 'transition' else 'fail' end
            from finding_transition_draft t where t.finding_id = finding_draft.id),
  deadline = (select t.deadline from finding_transition_draft t where t.finding_id = finding_draft.id)
where scan_id = :scan_id and status = 'fail'
  and id in (select t.finding_id from finding_transition_draft t
             where t.scan_id = :scan_id and t.outcome in ('transition', 'ended'))
