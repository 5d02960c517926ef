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
    when in_ocp_state = 1
      then 'Located in ' || countries || ' (' || region || '): a state with an offensive cyber programme against Dutch interests'
    when jurisdiction_in_ocp_state = 1 then 'The supplier falls under the jurisdiction of ' || jurisdiction
      || ', a state with an offensive cyber programme against Dutch interests'
    when location_kind in ('global', 'geography', 'unreported', 'unknown')
      then 'Location ''' || coalesce(region, '(none reported)') || ''' has no known country; verify it'
    else 'Located in ' || countries || ' (' || region || '); supplier jurisdiction ' || coalesce(jurisdiction, 'unknown')
  end as message,
  region, location_kind, countries, jurisdiction as provider_jurisdiction, country_facts
from located
