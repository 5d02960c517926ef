-- JENV25-TEAMS-FILES: no file sharing in Teams. One row per team: fail when its channel folders
-- or its library hold anything. Plus one 'manual' row per tenant: the Teams client's third-party
-- cloud-storage switches are not in Microsoft Graph.
select 'm365' as provider, t.tenant_id as account_id,
  (select r.id from resource r where r.scan_id = t.scan_id and r.provider = 'm365' and r.account_id = t.tenant_id
     and r.type = 'm365.team' and r.uid = t.team_id) as resource_id,
  case
    when coalesce(t.channel_files, 0) > 0 or coalesce(t.channel_bytes, 0) > 0 or coalesce(t.drive_used_bytes, 0) > 0 then 'fail'
    when t.channel_files is null or t.drive_used_bytes is null then 'error'
    else 'pass'
  end as status,
  case
    when coalesce(t.channel_files, 0) > 0 or coalesce(t.channel_bytes, 0) > 0 or coalesce(t.drive_used_bytes, 0) > 0
      then 'm365_teams_files.files'
    when t.channel_files is null or t.drive_used_bytes is null then 'm365_teams_files.unobserved'
    else 'm365_teams_files.no_files'
  end as message_key,
  t.team_id, t.name as team_name, t.channel_names, t.channel_files, t.channel_bytes, t.drive_used_bytes,
  coalesce(t.name, t.team_id) as team, null as tenant
from m365_team t
where t.scan_id = :scan_id
union all
select 'm365', tn.tenant_id, null, 'manual', 'm365_teams_files.third_party_storage',
  null, null, null, null, null, null, null, coalesce(tn.name, tn.tenant_id)
from m365_tenant tn
where tn.scan_id = :scan_id
