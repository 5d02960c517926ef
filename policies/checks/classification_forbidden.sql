-- Runs once per control (parameter control_id); the classifications that control does not allow
-- in public cloud come from pack_control.classifications. One row per classified resource
-- (fact_resource.classification, from its tag or the register), and one 'manual' row per account
-- counting its resources without any classification.
with forbidden as (
  select ';' || classifications || ';' as list, replace(classifications, ';', ', ') as names
  from pack_control where scan_id = :scan_id and control_id = :control_id
)
select r.provider, r.account_id, r.id as resource_id,
  case when fb.list like '%;' || f.classification || ';%' then 'fail' else 'pass' end as status,
  case when fb.list like '%;' || f.classification || ';%'
       then 'Holds ' || f.classification || ' data (from ' || f.classification_source || '), not allowed in public cloud'
       else 'Classified ' || f.classification || ' (from ' || f.classification_source || ')'
  end as message,
  f.classification, f.classification_source, null as unclassified_resources
from resource r join fact_resource f on f.resource_id = r.id cross join forbidden fb
where r.scan_id = :scan_id and f.classification <> 'unknown'
union all
select r.provider, r.account_id, null, 'manual',
  count(*) || ' resource(s) have no classification tag and the register gives none; confirm they hold no '
    || min(fb.names) || ' data',
  null, null, count(*)
from resource r join fact_resource f on f.resource_id = r.id cross join forbidden fb
where r.scan_id = :scan_id and f.classification = 'unknown'
group by r.provider, r.account_id
