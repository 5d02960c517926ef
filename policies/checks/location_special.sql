-- RBC22-SPECIAL (condition 10): resources classified as special personal data. Adequacy as in
-- location_personal; a transfer mechanism (9c) does not pass here: only a comply-or-explain
-- entry (rule "explained") can cover it.
with located as (
  select r.provider, r.account_id, r.id as resource_id, r.region, f.location_kind, f.countries,
    f.classification_source,
    case when exists (
      select 1 from fact_resource_country rc left join ref_country c on c.iso2 = rc.country
       where rc.resource_id = r.id
         and not (coalesce(c.eea, false) or coalesce(c.adequacy, 'none') in ('full', 'commercial_only')
                  or (coalesce(c.adequacy, 'none') = 'dpf_only' and coalesce(p.dpf_certified, false))))
    then 1 else 0 end as outside_adequacy
  from resource r join fact_resource f on f.resource_id = r.id
  left join ref_provider p on p.provider = r.provider
  where r.scan_id = :scan_id and f.classification = 'bijzondere-persoonsgegevens'
)
select provider, account_id, resource_id,
  case
    when location_kind in ('global', 'geography', 'unreported', 'unknown') then 'manual'
    when outside_adequacy = 1 then 'fail'
    else 'pass'
  end as status,
  case
    when location_kind in ('global', 'geography', 'unreported', 'unknown')
      then 'Special personal data in location ''' || coalesce(region, '(none reported)') || ''' without a known country; verify it'
    when outside_adequacy = 1
      then 'Special personal data in ' || countries || ', outside the EEA and adequacy countries'
    else 'Special personal data in ' || countries || ': EEA or adequacy decision'
  end as message,
  region, countries, classification_source
from located
