-- RBC22-C2000: one row per resource; fails on any country (in_ocp_state, from the view
-- resource_location), or a provider jurisdiction (jurisdiction_in_ocp_state), that the scan's
-- reference data (fact_region, fact_provider) flags as a state with an offensive cyber programme
-- against Dutch interests. Evidence: the facts of each country (country_facts).
with located as (select * from resource_location where scan_id = :scan_id)
select provider, account_id, resource_id,
  case
    when in_ocp_state = 1 or jurisdiction_in_ocp_state = 1 then 'fail'
    when location_kind in ('global', 'geography', 'unreported', 'unknown') then 'manual'
    else 'pass'
  end as status,
  case
    when in_ocp_state = 1 then 'location_c2000.ocp_location'
    when jurisdiction_in_ocp_state = 1 then 'location_c2000.ocp_jurisdiction'
    when location_kind in ('global', 'geography', 'unreported', 'unknown') then 'location_c2000.no_country'
    else 'location_c2000.located'
  end as message_key,
  region, location_kind, countries, jurisdiction as provider_jurisdiction, country_facts
from located
