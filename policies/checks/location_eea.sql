-- RBC26-EEA: one row per resource; outside_eea comes from the view resource_location.
with located as (select * from resource_location where scan_id = :scan_id)
select provider, account_id, resource_id,
  case
    when location_kind in ('global', 'geography', 'unreported') then 'manual'
    when location_kind = 'unknown' or outside_eea = 1 then 'fail'
    else 'pass'
  end as status,
  case
    when location_kind = 'unreported' then 'location_eea.unreported'
    when location_kind in ('global', 'geography') then 'location_eea.no_fixed_location'
    when location_kind = 'unknown' then 'location_eea.unknown_location'
    when outside_eea = 1 then 'location_eea.outside'
    else 'location_eea.inside'
  end as message_key,
  region, location_kind, countries, country_facts
from located
