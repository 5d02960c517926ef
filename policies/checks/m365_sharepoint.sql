-- JENV25-ODSP-SHAREPOINT: SharePoint Online is not allowed. One row per site (personal sites
-- excluded): fail when the usage report counts files; error when the report has no row for it.
-- One pass row per tenant without sites. Evidence carries the tenant's sharing settings.
select 'm365' as provider, s.tenant_id as account_id,
  (select r.id from resource r where r.scan_id = s.scan_id and r.provider = 'm365' and r.account_id = s.tenant_id
     and r.type = 'm365.site' and r.uid = s.site_id) as resource_id,
  case when s.file_count is null then 'error' when s.file_count > 0 then 'fail' else 'pass' end as status,
  case
    when s.file_count is null then 'm365_sharepoint.unobserved'
    when s.file_count > 0 then 'm365_sharepoint.files'
    else 'm365_sharepoint.no_files'
  end as message_key,
  s.name as site_name, s.web_url, s.template, s.file_count, s.storage_used_bytes, s.last_activity, s.data_location,
  tn.sharing_capability, tn.site_creation_enabled, coalesce(s.name, s.site_id) as site, null as tenant
from m365_site s
join m365_tenant tn on tn.scan_id = s.scan_id and tn.tenant_id = s.tenant_id
where s.scan_id = :scan_id
union all
select 'm365', tn.tenant_id, null, 'pass', 'm365_sharepoint.none',
  null, null, null, 0, null, null, null, tn.sharing_capability, tn.site_creation_enabled, null,
  coalesce(tn.name, tn.tenant_id)
from m365_tenant tn
where tn.scan_id = :scan_id
  and not exists (select 1 from m365_site s where s.scan_id = tn.scan_id and s.tenant_id = tn.tenant_id)
