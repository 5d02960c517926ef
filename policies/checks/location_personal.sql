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
    when location_kind in ('global', 'geography', 'unreported', 'unknown') then 'location_personal.no_country'
    when outside_adequacy = 0 then 'location_personal.adequate'
    when transfer_mechanism is not null and transfer_dpia_sent is not null then 'location_personal.transfer'
    when classification = 'unknown' then 'location_personal.unknown_classification'
    else 'location_personal.no_transfer'
  end as message_key,
  region, countries, classification, classification_source, transfer_mechanism, transfer_dpia_sent, country_facts
from located
where classification in ('persoonsgegevens', 'bijzondere-persoonsgegevens')
   or (classification = 'unknown' and (outside_adequacy = 1 or location_kind in ('global', 'geography', 'unreported', 'unknown')))
