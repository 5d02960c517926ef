-- JENV25-EXO-HYBRID: Exchange Online alone is not allowed; mail runs hybrid with on-premises Exchange.
-- One row per tenant: fail when cloud mailboxes exist and there is no on-premises side. The
-- on-premises side needs directory sync plus hybrid evidence: a certificate on the Exchange Online
-- service principal, a dedicated ExchangeServerApp-* app, an organisation relationship / on-premises
-- organisation / intra-organisation connector (exchange_admin_api), or synced users whose mailbox
-- is not in Exchange Online.
with counts as (
  select tn.tenant_id, tn.name, tn.sync_enabled, tn.exo_sp_key_credentials, tn.hybrid_apps,
    tn.organization_relationships, tn.onprem_organizations, tn.intra_org_connectors,
    (select count(*) from m365_mailbox m where m.scan_id = tn.scan_id and m.tenant_id = tn.tenant_id
       and m.location = 'cloud') as cloud_mailboxes,
    (select count(*) from m365_mailbox m where m.scan_id = tn.scan_id and m.tenant_id = tn.tenant_id
       and m.location = 'onprem') as onprem_mailboxes
  from m365_tenant tn
  where tn.scan_id = :scan_id
), judged as (
  select c.*,
    case when coalesce(c.sync_enabled, false) and (coalesce(c.exo_sp_key_credentials, 0) > 0 or c.hybrid_apps is not null
           or coalesce(c.organization_relationships, 0) > 0 or coalesce(c.onprem_organizations, 0) > 0
           or coalesce(c.intra_org_connectors, 0) > 0 or c.onprem_mailboxes > 0)
         then 1 else 0 end as hybrid
  from counts c
)
select 'm365' as provider, tenant_id as account_id, null as resource_id,
  case when cloud_mailboxes = 0 or hybrid = 1 then 'pass' else 'fail' end as status,
  case
    when cloud_mailboxes = 0 then 'm365_exo_hybrid.no_cloud_mailboxes'
    when hybrid = 1 then 'm365_exo_hybrid.hybrid'
    when coalesce(sync_enabled, false) then 'm365_exo_hybrid.alone_sync_on'
    else 'm365_exo_hybrid.alone_sync_off'
  end as message_key,
  cloud_mailboxes, onprem_mailboxes, sync_enabled, exo_sp_key_credentials, hybrid_apps,
  organization_relationships, onprem_organizations, intra_org_connectors,
  coalesce(exo_sp_key_credentials, 0) as exo_certificates, coalesce(hybrid_apps, '-') as hybrid_app_names
from judged
