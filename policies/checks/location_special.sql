-- RBC22-SPECIAL (condition 10): resources classified as special personal data. Adequacy as in
-- location_personal; a transfer mechanism (9c) does not pass here: only a comply-or-explain
-- entry (rule "explained") can cover it.
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
    when location_kind in ('global', 'geography', 'unreported', 'unknown')
      then 'Special personal data in location ''' || coalesce(region, '(none reported)') || ''' without a known country; verify it'
    when outside_adequacy = 1
      then 'Special personal data in ' || countries || ', outside the EEA and adequacy countries'
    else 'Special personal data in ' || countries || ': EEA or adequacy decision'
  end as message,
  region, countries, classification_source
from located
