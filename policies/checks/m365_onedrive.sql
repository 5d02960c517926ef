-- JENV25-ODSP-ONEDRIVE: OneDrive is not allowed. One row per OneDrive that holds files (fail).
-- A tenant where no OneDrive holds files gets one row: pass when no user has a OneDrive or
-- SharePoint plan enabled, else fail with severity low (plans enabled but unused).
with plans as (
  select u.scan_id, u.tenant_id, sum(case when u.plan_onedrive then 1 else 0 end) as onedrive_users
  from m365_user u where u.scan_id = :scan_id group by u.scan_id, u.tenant_id
), drives as (
  select d.scan_id, d.tenant_id, count(*) as provisioned
  from m365_drive d where d.scan_id = :scan_id group by d.scan_id, d.tenant_id
)
select 'm365' as provider, d.tenant_id as account_id,
  (select r.id from resource r where r.scan_id = d.scan_id and r.provider = 'm365' and r.account_id = d.tenant_id
     and r.type = 'm365.onedrive' and r.uid = d.uid) as resource_id, 'fail' as status,
  'm365_onedrive.files' as message_key,
  null as severity, d.owner, d.site_url, d.file_count, d.storage_used_bytes, d.last_activity,
  null as onedrive_plan_users, null as provisioned_onedrives, coalesce(d.owner, d.uid) as onedrive
from m365_drive d
where d.scan_id = :scan_id and d.file_count > 0
union all
select 'm365', tn.tenant_id, null,
  case when coalesce(p.onedrive_users, 0) > 0 then 'fail' else 'pass' end,
  case when coalesce(p.onedrive_users, 0) > 0 then 'm365_onedrive.plans_enabled' else 'm365_onedrive.none' end,
  case when coalesce(p.onedrive_users, 0) > 0 then 'low' end,
  null, null, 0, null, null, coalesce(p.onedrive_users, 0), coalesce(dr.provisioned, 0), null
from m365_tenant tn
left join plans p on p.scan_id = tn.scan_id and p.tenant_id = tn.tenant_id
left join drives dr on dr.scan_id = tn.scan_id and dr.tenant_id = tn.tenant_id
where tn.scan_id = :scan_id
  and not exists (select 1 from m365_drive d where d.scan_id = tn.scan_id and d.tenant_id = tn.tenant_id
                  and d.file_count > 0)
