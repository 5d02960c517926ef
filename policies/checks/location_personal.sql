-- RBC22-PERSONAL (condition 9): resources classified as (special) personal data, and resources of
-- unknown classification outside the EEA and adequacy countries (a person must say what they hold).
-- outside_adequacy comes from the view resource_location (which explains the adequacy rules).
with located as (
  select l.*, rs.transfer_mechanism, rs.transfer_dpia_sent
  from resource_location l
  left join register_service rs on rs.scan_id = l.scan_id and rs.provider = l.provider and rs.account_id = l.account_id
  where l.scan_id = :scan_id
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
  region, countries, classification, classification_source, transfer_mechanism, transfer_dpia_sent, country_facts
from located
where classification in ('persoonsgegevens', 'bijzondere-persoonsgegevens')
   or (classification = 'unknown' and (outside_adequacy = 1 or location_kind in ('global', 'geography', 'unreported', 'unknown')))
