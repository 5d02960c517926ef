-- Runs once per control (parameter control_id); the classifications that control does not allow
-- in public cloud come from pack_control.classifications. The classification of a resource is
-- fact_resource.classification (from its tag, read through the spelling table, or the register).
-- Rows:
-- * 'fail' for each resource that holds a classification the control does not allow;
-- * 'manual' for each resource whose classification tag holds a value outside the vocabulary
--   (classification 'unknown', source 'tag'), naming the value;
-- * per account one 'pass' counting its classified resources that hold none (the resources
--   themselves are in fact_resource; one row per account keeps a million-resource scan readable);
-- * per account one 'manual' counting its resources without any classification (no tag, and the
--   register gives none).
with forbidden as (
  select ';' || classifications || ';' as list, replace(classifications, ';', ', ') as names
  from pack_control where scan_id = :scan_id and control_id = :control_id
),
per_account as (
  select r.provider, r.account_id,
    sum(case when f.classification <> 'unknown' and fb.list not like '%;' || f.classification || ';%'
             then 1 else 0 end) as allowed,
    sum(case when f.classification = 'unknown' and f.classification_source <> 'tag' then 1 else 0 end)
      as unclassified
  from resource r join fact_resource f on f.resource_id = r.id cross join forbidden fb
  where r.scan_id = :scan_id
  group by r.provider, r.account_id
)
select r.provider, r.account_id, r.id as resource_id, 'fail' as status,
  'classification_forbidden.forbidden' as message_key,
  f.classification, f.classification_source, f.classification_tag, cast(null as bigint) as classified_resources,
  cast(null as bigint) as unclassified_resources, fb.names as forbidden
from resource r join fact_resource f on f.resource_id = r.id cross join forbidden fb
where r.scan_id = :scan_id and fb.list like '%;' || f.classification || ';%'
union all
select r.provider, r.account_id, r.id, 'manual', 'classification_forbidden.unrecognised',
  f.classification, f.classification_source, f.classification_tag, cast(null as bigint), cast(null as bigint), fb.names
from resource r join fact_resource f on f.resource_id = r.id cross join forbidden fb
where r.scan_id = :scan_id and f.classification = 'unknown' and f.classification_source = 'tag'
union all
select a.provider, a.account_id, null, 'pass', 'classification_forbidden.none_held',
  null, null, null, a.allowed, cast(null as bigint), fb.names
from per_account a cross join forbidden fb where a.allowed > 0
union all
select a.provider, a.account_id, null, 'manual', 'classification_forbidden.unclassified',
  null, null, null, cast(null as bigint), a.unclassified, fb.names
from per_account a cross join forbidden fb where a.unclassified > 0
