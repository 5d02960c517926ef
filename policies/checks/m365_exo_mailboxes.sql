-- JENV25-EXO-MAILBOXES: only deliberately chosen mailboxes are in Exchange Online.
-- One row per cloud mailbox: pass when the register (register_mailbox) approves its UPN or address;
-- one pass row per tenant without cloud mailboxes.
select 'm365' as provider, m.tenant_id as account_id,
  (select r.id from resource r where r.scan_id = m.scan_id and r.provider = 'm365' and r.account_id = m.tenant_id
     and r.type = 'm365.mailbox' and r.uid = m.uid) as resource_id,
  case when exists (select 1 from register_mailbox rm where rm.scan_id = m.scan_id
                      and lower(rm.tenant_id) = lower(m.tenant_id) and lower(rm.address) in (m.upn, m.mail))
       then 'pass' else 'fail' end as status,
  case when exists (select 1 from register_mailbox rm where rm.scan_id = m.scan_id
                      and lower(rm.tenant_id) = lower(m.tenant_id) and lower(rm.address) in (m.upn, m.mail))
       then 'm365_exo_mailboxes.approved' else 'm365_exo_mailboxes.not_approved'
  end as message_key,
  m.upn, m.mail, m.purpose, m.evidence as location_evidence, m.item_count, m.storage_used_bytes,
  coalesce(m.mail, m.upn) as mailbox, null as tenant
from m365_mailbox m
where m.scan_id = :scan_id and m.location = 'cloud'
union all
select 'm365', tn.tenant_id, null, 'pass', 'm365_exo_mailboxes.none', null, null, null, null, null, null,
  null, coalesce(tn.name, tn.tenant_id)
from m365_tenant tn
where tn.scan_id = :scan_id
  and not exists (select 1 from m365_mailbox m where m.scan_id = tn.scan_id and m.tenant_id = tn.tenant_id
                  and m.location = 'cloud')
