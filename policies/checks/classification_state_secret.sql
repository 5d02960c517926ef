-- One row per classified resource (fact_resource.classification from tag or register), and one
-- 'manual' row per account counting its resources without any classification.
select r.provider, r.account_id, r.id as resource_id,
  case when f.classification in ('staatsgeheim') then 'fail' else 'pass' end as status,
  case when f.classification in ('staatsgeheim')
       then 'Holds state-secret information (classification ' || f.classification || ', from ' || f.classification_source || ')'
       else 'Classified ' || f.classification || ' (from ' || f.classification_source || ')'
  end as message,
  f.classification, f.classification_source, null as unclassified_resources
from resource r join fact_resource f on f.resource_id = r.id
where r.scan_id = :scan_id and f.classification <> 'unknown'
union all
select r.provider, r.account_id, null, 'manual',
  count(*) || ' resource(s) have no classification tag and the register gives none; confirm they hold no state-secret information',
  null, null, count(*)
from resource r join fact_resource f on f.resource_id = r.id
where r.scan_id = :scan_id and f.classification = 'unknown'
group by r.provider, r.account_id
