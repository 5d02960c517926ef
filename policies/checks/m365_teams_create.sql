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
    when tn.group_creation_enabled is null then 'The Group.Unified directory setting could not be read'
    when not coalesce(tn.group_unified_present, false)
      then 'No Group.Unified directory setting exists: by default every user may create Microsoft 365 groups and teams'
    when tn.group_creation_enabled
      then 'Group.Unified EnableGroupCreation is true: every user may create Microsoft 365 groups and teams'
    when tn.group_creation_allowed_group is not null
      then 'Group creation is restricted to members of group ' || tn.group_creation_allowed_group
           || ' (Group.Unified EnableGroupCreation = false)'
    else 'Group creation is restricted to administrators (Group.Unified EnableGroupCreation = false)'
  end as message,
  tn.group_unified_present, tn.group_creation_enabled, tn.group_creation_allowed_group
from m365_tenant tn
where tn.scan_id = :scan_id
