-- JENV25-EXO-HYBRID: Exchange Online alone is not allowed; mail runs hybrid with on-premises Exchange.
-- One row per tenant. Hybrid needs directory sync plus evidence of hybrid configuration: a
-- certificate on the Exchange Online service principal (classic hybrid OAuth), a dedicated
-- ExchangeServerApp-* app, or (exchange_admin_api) an organisation relationship, on-premises
-- organisation, intra-organisation connector or hybrid mail-flow connector (inbound or outbound,
-- ConnectorType OnPremises). Users without a cloud mailbox are no such evidence:
-- a synced user without an Exchange Online mailbox may have no mailbox at all.
-- pass: no cloud mailboxes, or hybrid evidence. fail: cloud mailboxes and directory sync off, or
-- every source of evidence read and none found. manual: cloud mailboxes, no evidence, and a source
-- not read (the Exchange admin API is off or failed, or the service principals or the directory
-- sync state were not observed): a hybrid without OAuth shows only in the Exchange admin API.
with counts as (
  select tn.tenant_id, tn.name, tn.sync_enabled, tn.exo_sp_key_credentials, tn.hybrid_apps,
    tn.organization_relationships, tn.onprem_organizations, tn.intra_org_connectors,
    tn.onprem_inbound_connectors, tn.onprem_outbound_connectors,
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
           or coalesce(c.intra_org_connectors, 0) > 0 or coalesce(c.onprem_inbound_connectors, 0) > 0
           or coalesce(c.onprem_outbound_connectors, 0) > 0)
         then 1 else 0 end as hybrid,
    case when c.sync_enabled is null or c.exo_sp_key_credentials is null or c.organization_relationships is null
           or c.onprem_organizations is null or c.intra_org_connectors is null
           or c.onprem_inbound_connectors is null or c.onprem_outbound_connectors is null
         then 0 else 1 end as all_read
  from counts c
)
select 'm365' as provider, tenant_id as account_id, null as resource_id,
  case
    when cloud_mailboxes = 0 or hybrid = 1 then 'pass'
    when sync_enabled = false or all_read = 1 then 'fail'
    else 'manual'
  end as status,
  case
    when cloud_mailboxes = 0 then 'm365_exo_hybrid.no_cloud_mailboxes'
    when hybrid = 1 then 'm365_exo_hybrid.hybrid'
    when sync_enabled = false then 'm365_exo_hybrid.alone_sync_off'
    when all_read = 1 then 'm365_exo_hybrid.alone_sync_on'
    else 'm365_exo_hybrid.not_read'
  end as message_key,
  cloud_mailboxes, onprem_mailboxes, sync_enabled, exo_sp_key_credentials, hybrid_apps,
  organization_relationships, onprem_organizations, intra_org_connectors, onprem_inbound_connectors,
  onprem_outbound_connectors,
  coalesce(exo_sp_key_credentials, 0) as exo_certificates, coalesce(hybrid_apps, '-') as hybrid_app_names,
  -- the sources of evidence not read, named by their API (the same in every language)
  substr(case when sync_enabled is null then ', organization.onPremisesSyncEnabled' else '' end
    || case when exo_sp_key_credentials is null then ', servicePrincipals (Office 365 Exchange Online)' else '' end
    || case when organization_relationships is null or onprem_organizations is null or intra_org_connectors is null
              or onprem_inbound_connectors is null or onprem_outbound_connectors is null
            then ', exchange_admin_api' else '' end, 3) as not_read
from judged
