-- JENV25-TEAMS-COLLAB: Teams only for video and chat. One row per team: fail unless the register
-- (register_team) approves it as an exception; one pass row per tenant that has no team at all.
select 'm365' as provider, t.tenant_id as account_id,
  (select r.id from resource r where r.scan_id = t.scan_id and r.provider = 'm365' and r.account_id = t.tenant_id
     and r.type = 'm365.team' and r.uid = t.team_id) as resource_id,
  case when rt.id is null then 'fail' else 'pass' end as status,
  case when rt.id is null then 'm365_teams_collab.not_approved'
       when rt.reason is null then 'm365_teams_collab.approved_no_reason'
       else 'm365_teams_collab.approved'
  end as message_key,
  t.team_id, t.name as team_name, t.channel_count, t.channel_names, t.channel_files, t.channel_bytes,
  t.drive_used_bytes, tn.teams_channel_messages as tenant_channel_messages, coalesce(t.name, t.team_id) as team,
  coalesce(t.channel_names, '-') as channels, rt.reason as exception_reason, null as tenant
from m365_team t
join m365_tenant tn on tn.scan_id = t.scan_id and tn.tenant_id = t.tenant_id
left join register_team rt on rt.scan_id = t.scan_id and lower(rt.tenant_id) = lower(t.tenant_id)
  and lower(rt.team_id) = lower(t.team_id)
where t.scan_id = :scan_id
union all
select 'm365', tn.tenant_id, null, 'pass', 'm365_teams_collab.none',
  null, null, 0, null, null, null, null, tn.teams_channel_messages, null, null, null, coalesce(tn.name, tn.tenant_id)
from m365_tenant tn
where tn.scan_id = :scan_id
  and not exists (select 1 from m365_team t where t.scan_id = tn.scan_id and t.tenant_id = tn.tenant_id)
