-- RBC26-MAILDOCS: e-mail and document management are advised against in public cloud.
-- One row per tenant: fail when Exchange Online mailboxes, SharePoint sites with files, team
-- libraries (the files folders of team channels) with files or OneDrives with files exist; else
-- error when the file count of a site or a team library was not observed (m365_site.file_count
-- or m365_team.channel_files is null: not observed is not compliant); else pass.
with usage as (
  select tn.tenant_id, tn.name,
    (select count(*) from m365_mailbox m where m.scan_id = tn.scan_id and m.tenant_id = tn.tenant_id
       and m.location = 'cloud') as cloud_mailboxes,
    (select count(*) from m365_site s where s.scan_id = tn.scan_id and s.tenant_id = tn.tenant_id
       and s.file_count > 0) as sites_with_files,
    (select coalesce(sum(s.file_count), 0) from m365_site s where s.scan_id = tn.scan_id and s.tenant_id = tn.tenant_id) as site_files,
    (select count(*) from m365_site s where s.scan_id = tn.scan_id and s.tenant_id = tn.tenant_id
       and s.file_count is null) as sites_unobserved,
    (select count(*) from m365_team t where t.scan_id = tn.scan_id and t.tenant_id = tn.tenant_id
       and t.channel_files > 0) as teams_with_files,
    (select coalesce(sum(t.channel_files), 0) from m365_team t where t.scan_id = tn.scan_id and t.tenant_id = tn.tenant_id) as team_files,
    (select count(*) from m365_team t where t.scan_id = tn.scan_id and t.tenant_id = tn.tenant_id
       and t.channel_files is null) as teams_unobserved,
    (select count(*) from m365_drive d where d.scan_id = tn.scan_id and d.tenant_id = tn.tenant_id
       and d.file_count > 0) as onedrives_with_files,
    (select coalesce(sum(d.file_count), 0) from m365_drive d where d.scan_id = tn.scan_id and d.tenant_id = tn.tenant_id) as onedrive_files
  from m365_tenant tn
  where tn.scan_id = :scan_id
)
select 'm365' as provider, tenant_id as account_id, null as resource_id,
  case when cloud_mailboxes + sites_with_files + teams_with_files + onedrives_with_files > 0 then 'fail'
       when sites_unobserved + teams_unobserved > 0 then 'error'
       else 'pass' end as status,
  case when cloud_mailboxes + sites_with_files + teams_with_files + onedrives_with_files > 0 then 'm365_maildocs.in_cloud'
    when sites_unobserved + teams_unobserved > 0 then 'm365_maildocs.unobserved'
    else 'm365_maildocs.none'
  end as message_key,
  cloud_mailboxes, sites_with_files, site_files, sites_unobserved, teams_with_files, team_files, teams_unobserved,
  onedrives_with_files, onedrive_files, coalesce(name, tenant_id) as tenant
from usage
