-- RBC26-EEA: one row per resource; outside_eea comes from the view resource_location.
with located as (select * from resource_location where scan_id = :scan_id)
select provider, account_id, resource_id,
  case
    when location_kind in ('global', 'geography', 'unreported') then 'manual'
    when location_kind = 'unknown' or outside_eea = 1 then 'fail'
    else 'pass'
  end as status,
  case
    when location_kind = 'unreported'
      then 'The provider reports no location for this resource; verify where the data is stored and processed'
    when location_kind in ('global', 'geography')
      then 'Location ''' || region || ''' has no fixed data location; verify where the data is stored and processed'
    when location_kind = 'unknown'
      then 'Location ''' || coalesce(region, '(none reported)') || ''' is not in the reference data; treated as outside the EEA'
    when outside_eea = 1 then 'Stored in ' || countries || ' (' || region || '), outside the EEA'
    else 'Stored in ' || countries || ' (' || region || '), inside the EEA'
  end as message,
  region, location_kind, countries, country_facts
from located
