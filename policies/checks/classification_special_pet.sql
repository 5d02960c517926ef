-- RBC26-SPECIAL-PET: one row per resource classified bijzondere-persoonsgegevens; special personal
-- data may hide behind an unknown classification, so also one 'manual' row per resource whose
-- classification tag holds an unrecognised value (naming it) and per account one 'manual' row
-- counting its resources without any classification.
-- PET evidence (fixed vocabulary, findings/normalise.py): keys held outside the provider
-- (key_custody 'external'), a recognised PET in the resource's pet tag (fact_resource.pet) or in
-- the register (validated against the same vocabulary). A customer-managed key inside the
-- provider's own key service (key_custody 'customer') is not a PET by itself; a pet tag that
-- names no recognised PET ('none', 'geen', anything else) is named in the message.
select r.provider, r.account_id, r.id as resource_id,
  case when r.key_custody = 'external' or f.pet is not null or rs.pet is not null then 'pass'
       when r.key_custody is null then 'error'  -- key custody not observed (e.g. the KMS calls failed)
       else 'fail' end as status,
  case
    when r.key_custody = 'external' then 'classification_special_pet.external_keys'
    when f.pet is not null then 'classification_special_pet.pet_tag'
    when rs.pet is not null then 'classification_special_pet.pet_register'
    when r.key_custody is null then 'classification_special_pet.custody_unobserved'
    when f.pet_tag is not null then 'classification_special_pet.pet_unrecognised'
    when r.key_custody = 'customer' then 'classification_special_pet.customer_key'
    else 'classification_special_pet.no_pet'
  end as message_key,
  r.key_custody, f.pet as pet_tag, f.pet_tag as pet_tag_value, rs.pet as register_pet,
  f.classification_tag, cast(null as bigint) as unclassified_resources
from resource r join fact_resource f on f.resource_id = r.id
left join register_service rs on rs.scan_id = r.scan_id and rs.provider = r.provider and rs.account_id = r.account_id
where r.scan_id = :scan_id and f.classification = 'bijzondere-persoonsgegevens'
union all
select r.provider, r.account_id, r.id, 'manual', 'classification_special_pet.unrecognised',
  r.key_custody, f.pet, f.pet_tag, null, f.classification_tag, cast(null as bigint)
from resource r join fact_resource f on f.resource_id = r.id
where r.scan_id = :scan_id and f.classification = 'unknown' and f.classification_source = 'tag'
union all
select r.provider, r.account_id, null, 'manual', 'classification_special_pet.unclassified',
  null, null, null, null, null, count(*)
from resource r join fact_resource f on f.resource_id = r.id
where r.scan_id = :scan_id and f.classification = 'unknown' and f.classification_source <> 'tag'
group by r.provider, r.account_id
