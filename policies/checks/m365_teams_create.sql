-- JENV25-TEAMS-CREATE: not every user may create Microsoft 365 groups (and so teams).
-- The Group.Unified directory setting EnableGroupCreation must be false; without the setting the
-- tenant default applies (everyone may create groups).
select 'm365' as provider, tn.tenant_id as account_id, null as resource_id,
  case
    when tn.group_creation_enabled is null then 'error'
    when tn.group_creation_enabled then 'fail'
    else 'pass'
  end as status,
  case
    when tn.group_creation_enabled is null then 'm365_teams_create.unobserved'
    when not coalesce(tn.group_unified_present, false) then 'm365_teams_create.no_setting'
    when tn.group_creation_enabled then 'm365_teams_create.everyone'
    when tn.group_creation_allowed_group is not null then 'm365_teams_create.group'
    else 'm365_teams_create.administrators'
  end as message_key,
  tn.group_unified_present, tn.group_creation_enabled, tn.group_creation_allowed_group
from m365_tenant tn
where tn.scan_id = :scan_id
