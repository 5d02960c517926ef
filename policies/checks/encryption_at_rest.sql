-- RBC26-ENCRYPT: one row per storage-bearing resource (resource.stores_data).
-- encrypted is null when the connector could not observe it: that is an error, never a pass.
select r.provider, r.account_id, r.id as resource_id,
  case
    when r.encrypted then 'pass'
    when r.encrypted is null then 'error'
    when f.classification = 'openbaar' then 'pass'
    else 'fail'
  end as status,
  case
    when r.encrypted then 'encryption_at_rest.encrypted'
    when r.encrypted is null then 'encryption_at_rest.unobserved'
    when f.classification = 'openbaar' then 'encryption_at_rest.public'
    else 'encryption_at_rest.unencrypted'
  end as message_key,
  r.type, r.encrypted, r.key_custody, r.key_id, f.classification
from resource r join fact_resource f on f.resource_id = r.id
where r.scan_id = :scan_id and r.stores_data
