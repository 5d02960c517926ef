-- JENV25-TEAMS-FILES: no file sharing in Teams. One row per team: fail when its channel folders
-- or its library hold anything. Plus one 'manual' row per tenant: the Teams client's third-party
-- cloud-storage switches are not in Microsoft Graph.
select 'm365' as provider, t.tenant_id as account_id, r.id as resource_id,
  case
    when coalesce(t.channel_files, 0) > 0 or coalesce(t.channel_bytes, 0) > 0 or coalesce(t.drive_used_bytes, 0) > 0 then 'fail'
    when t.channel_files is null or t.drive_used_bytes is null then 'error'
    else 'pass'
  end as status,
  case
    when coalesce(t.channel_files, 0) > 0 or coalesce(t.channel_bytes, 0) > 0 or coalesce(t.drive_used_bytes, 0) > 0
      then 'Team ''' || coalesce(t.name, t.team_id) || ''' holds files: ' || coalesce(cast(t.channel_files as varchar), 'unknown')
           || ' item(s), ' || coalesce(cast(t.channel_bytes as varchar), 'unknown') || ' bytes in channel folders; '
           || coalesce(cast(t.drive_used_bytes as varchar), 'unknown') || ' bytes used in the team library'
    when t.channel_files is null or t.drive_used_bytes is null
      then 'Files of team ''' || coalesce(t.name, t.team_id) || ''' could not be observed'
    else 'Team ''' || coalesce(t.name, t.team_id) || ''' holds no files in its channel folders or library'
  end as message,
  t.team_id, t.name as team_name, t.channel_names, t.channel_files, t.channel_bytes, t.drive_used_bytes
from m365_team t
left join resource r on r.scan_id = t.scan_id and r.provider = 'm365' and r.account_id = t.tenant_id
  and r.type = 'm365.team' and r.uid = t.team_id
where t.scan_id = :scan_id
union all
select 'm365', tn.tenant_id, null, 'manual',
  'Third-party cloud storage in the Teams client is not visible in Microsoft Graph: verify with '
    || 'Get-CsTeamsClientConfiguration -Identity Global that AllowDropBox, AllowBox, AllowGoogleDrive, '
    || 'AllowShareFile and AllowEgnyte are all False (tenant ' || coalesce(tn.name, tn.tenant_id) || ')',
  null, null, null, null, null, null
from m365_tenant tn
where tn.scan_id = :scan_id
