-- RBC26-EEA: one row per resource. Countries come from fact_resource_country (ref_region);
-- a country missing from ref_country counts as outside the EEA.
with located as (
  select r.provider, r.account_id, r.id as resource_id, r.region, f.location_kind, f.countries,
    case when exists (select 1 from fact_resource_country rc left join ref_country c on c.iso2 = rc.country
                       where rc.resource_id = r.id and not coalesce(c.eea, false)) then 1 else 0 end as outside_eea
  from resource r join fact_resource f on f.resource_id = r.id
  where r.scan_id = :scan_id
)
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
  region, location_kind, countries
from located
