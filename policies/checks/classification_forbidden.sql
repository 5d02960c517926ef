-- Runs once per control (parameter control_id); the classifications that control does not allow
-- in public cloud come from pack_control.classifications. The classification of a resource is
-- fact_resource.classification (from its tag or the register). Rows:
-- * 'fail' for each resource that holds a classification the control does not allow;
-- * per account one 'pass' counting its classified resources that hold none (the resources
--   themselves are in fact_resource; one row per account keeps a million-resource scan readable);
-- * per account one 'manual' counting its resources without any classification.
with forbidden as (
  select ';' || classifications || ';' as list, replace(classifications, ';', ', ') as names
  from pack_control where scan_id = :scan_id and control_id = :control_id
),
judged as (
  select r.provider, r.account_id, r.id as resource_id, f.classification, f.classification_source, fb.names,
    case when f.classification = 'unknown' then 'unknown'
         when fb.list like '%;' || f.classification || ';%' then 'forbidden'
         else 'allowed' end as verdict
  from resource r join fact_resource f on f.resource_id = r.id cross join forbidden fb
  where r.scan_id = :scan_id
)
select provider, account_id, resource_id, 'fail' as status,
  'Holds ' || classification || ' data (from ' || classification_source || '), not allowed in public cloud' as message,
  classification, classification_source, null as classified_resources, null as unclassified_resources
from judged where verdict = 'forbidden'
union all
select provider, account_id, null, 'pass',
  count(*) || ' classified resource(s) hold no ' || min(names) || ' data', null, null, count(*), null
from judged where verdict = 'allowed'
group by provider, account_id
union all
select provider, account_id, null, 'manual',
  count(*) || ' resource(s) have no classification tag and the register gives none; confirm they hold no '
    || min(names) || ' data',
  null, null, null, count(*)
from judged where verdict = 'unknown'
group by provider, account_id
