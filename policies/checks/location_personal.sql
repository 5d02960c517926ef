-- RBC22-PERSONAL (condition 9): resources classified as (special) personal data, and resources of
-- unknown classification outside the EEA and adequacy countries (a person must say what they hold).
-- Adequacy per country: ref_country.adequacy; 'dpf_only' (the US) counts only when the provider is
-- DPF-certified (ref_provider.dpf_certified); 'commercial_only' (CA, JP, KR) is met by a commercial cloud provider.
with located as (
  select r.provider, r.account_id, r.id as resource_id, r.region, f.location_kind, f.countries,
    f.classification, f.classification_source, rs.transfer_mechanism, rs.transfer_dpia_sent,
    case when exists (
      select 1 from fact_resource_country rc left join ref_country c on c.iso2 = rc.country
       where rc.resource_id = r.id
         and not (coalesce(c.eea, false) or coalesce(c.adequacy, 'none') in ('full', 'commercial_only')
                  or (coalesce(c.adequacy, 'none') = 'dpf_only' and coalesce(p.dpf_certified, false))))
    then 1 else 0 end as outside_adequacy
  from resource r join fact_resource f on f.resource_id = r.id
  left join ref_provider p on p.provider = r.provider
  left join register_service rs on rs.scan_id = r.scan_id and rs.provider = r.provider and rs.account_id = r.account_id
  where r.scan_id = :scan_id
)
select provider, account_id, resource_id,
  case
    when location_kind in ('global', 'geography', 'unreported', 'unknown') then 'manual'
    when outside_adequacy = 0 then 'pass'
    when transfer_mechanism is not null and transfer_dpia_sent is not null then 'pass'
    when classification = 'unknown' then 'manual'
    else 'fail'
  end as status,
  case
    when location_kind in ('global', 'geography', 'unreported', 'unknown')
      then 'Data of classification ' || classification || ' in location ''' || coalesce(region, '(none reported)')
        || ''' without a known country; verify where it is stored'
    when outside_adequacy = 0 then 'Personal data in ' || countries || ': EEA or adequacy decision (9a/9b)'
    when transfer_mechanism is not null and transfer_dpia_sent is not null
      then 'Personal data in ' || countries || ' under ' || transfer_mechanism || ', DPIA sent to CIO Rijk (9c)'
    when classification = 'unknown'
      then 'Resource of unknown classification in ' || countries || ', outside the EEA and adequacy countries; a person must confirm it holds no personal data'
    else 'Personal data in ' || countries || ', outside the EEA and adequacy countries, without a 9c transfer record'
  end as message,
  region, countries, classification, classification_source, transfer_mechanism, transfer_dpia_sent
from located
where classification in ('persoonsgegevens', 'bijzondere-persoonsgegevens')
   or (classification = 'unknown' and (outside_adequacy = 1 or location_kind in ('global', 'geography', 'unreported', 'unknown')))
