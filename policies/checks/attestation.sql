-- Runs once per control (parameter control_id). One organisation-level row.
select null as provider, null as account_id, null as resource_id,
  case when a.id is not null then 'pass' else 'manual' end as status,
  case when a.id is not null then 'attestation.attested' else 'attestation.missing' end as message_key,
  a.reference, a.attested_by, a.attested_on, a.expires
from (select 1 as one) organisation
left join register_attestation a on a.id = (
  select min(x.id) from register_attestation x
   where x.scan_id = :scan_id and x.control_id = :control_id and x.attested_on <= :scan_date
     and (x.expires is null or x.expires > :scan_date))
