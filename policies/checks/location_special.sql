-- RBC22-SPECIAL (condition 10): resources classified as special personal data. Adequacy as in
-- location_personal; a transfer mechanism (9c) does not pass here: only a comply-or-explain
-- entry (rule "explained", with the route's conditions) can cover it. Special personal data may
-- hide behind an unknown classification: one 'manual' row per resource whose classification tag
-- holds an unrecognised value (naming it) and per account one 'manual' row counting its resources
-- without any classification.
with located as (
  select * from resource_location where scan_id = :scan_id and classification = 'bijzondere-persoonsgegevens'
)
select provider, account_id, resource_id,
  case
    when location_kind in ('global', 'geography', 'unreported', 'unknown') then 'manual'
    when outside_adequacy = 1 then 'fail'
    else 'pass'
  end as status,
  case
    when location_kind in ('global', 'geography', 'unreported', 'unknown') then 'location_special.no_country'
    when outside_adequacy = 1 then 'location_special.outside'
    else 'location_special.adequate'
  end as message_key,
  region, countries, classification_source, cast(null as varchar) as classification_tag,
  cast(null as bigint) as unclassified_resources, country_facts
from located
union all
select r.provider, r.account_id, r.id, 'manual', 'location_special.unrecognised',
  r.region, f.countries, f.classification_source, f.classification_tag, cast(null as bigint), null
from resource r join fact_resource f on f.resource_id = r.id
where r.scan_id = :scan_id and f.classification = 'unknown' and f.classification_source = 'tag'
union all
select r.provider, r.account_id, null, 'manual', 'location_special.unclassified',
  null, null, null, null, count(*), null
from resource r join fact_resource f on f.resource_id = r.id
where r.scan_id = :scan_id and f.classification = 'unknown' and f.classification_source <> 'tag'
group by r.provider, r.account_id
