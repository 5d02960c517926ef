-- RBC26-SPECIAL-PET: one row per resource classified bijzondere-persoonsgegevens.
select r.provider, r.account_id, r.id as resource_id,
  case when r.key_custody in ('customer', 'external') or f.pet is not null or rs.pet is not null then 'pass'
       when r.key_custody is null then 'error'  -- key custody not observed (e.g. the KMS calls failed)
       else 'fail' end as status,
  case
    when r.key_custody in ('customer', 'external') then 'Special personal data with customer-held keys (' || r.key_custody || ')'
    when f.pet is not null then 'Special personal data with PET recorded on the resource: ' || f.pet
    when rs.pet is not null then 'Special personal data with PET recorded in the register: ' || rs.pet
    when r.key_custody is null then 'Special personal data whose key custody could not be observed'
    else 'Special personal data without evidence of privacy-enhancing technology'
  end as message,
  r.key_custody, f.pet as pet_tag, rs.pet as register_pet
from resource r join fact_resource f on f.resource_id = r.id
left join register_service rs on rs.scan_id = r.scan_id and rs.provider = r.provider and rs.account_id = r.account_id
where r.scan_id = :scan_id and f.classification = 'bijzondere-persoonsgegevens'
