-- RBC26-MAILDOCS: e-mail and document management are advised against in public cloud.
-- One row per tenant: fail when Exchange Online mailboxes, SharePoint sites with files or
-- OneDrives with files exist.
with usage as (
  select tn.tenant_id, tn.name,
    (select count(*) from m365_mailbox m where m.scan_id = tn.scan_id and m.tenant_id = tn.tenant_id
       and m.location = 'cloud') as cloud_mailboxes,
    (select count(*) from m365_site s where s.scan_id = tn.scan_id and s.tenant_id = tn.tenant_id
       and s.file_count > 0) as sites_with_files,
    (select coalesce(sum(s.file_count), 0) from m365_site s where s.scan_id = tn.scan_id and s.tenant_id = tn.tenant_id) as site_files,
    (select count(*) from m365_drive d where d.scan_id = tn.scan_id and d.tenant_id = tn.tenant_id
       and d.file_count > 0) as onedrives_with_files,
    (select coalesce(sum(d.file_count), 0) from m365_drive d where d.scan_id = tn.scan_id and d.tenant_id = tn.tenant_id) as onedrive_files
  from m365_tenant tn
  where tn.scan_id = :scan_id
)
select 'm365' as provider, tenant_id as account_id, null as resource_id,
  case when cloud_mailboxes + sites_with_files + onedrives_with_files > 0 then 'fail' else 'pass' end as status,
  case when cloud_mailboxes + sites_with_files + onedrives_with_files > 0
    then 'Mail and documents in Microsoft 365 (tenant ' || coalesce(name, tenant_id) || '): ' || cloud_mailboxes
         || ' Exchange Online mailbox(es), ' || sites_with_files || ' SharePoint site(s) with ' || site_files || ' file(s), '
         || onedrives_with_files || ' OneDrive(s) with ' || onedrive_files || ' file(s)'
    else 'No Exchange Online mailboxes and no files in SharePoint Online or OneDrive (tenant ' || coalesce(name, tenant_id) || ')'
  end as message,
  cloud_mailboxes, sites_with_files, site_files, onedrives_with_files, onedrive_files
from usage
