-- JENV25-CSP-SECTOOLS: one 'fail' row (severity info, from the pack) per enabled CSP-native
-- security product and region, and one 'pass' row per account where none is enabled. A GCP
-- project's Security Command Center state is read from a scope-wide search: a project that
-- answered an error on any call of this scan (a collection for it that failed, e.g. 403) was not
-- observed, so it gets 'error' instead of 'pass'.
with unobserved as (
  select c.provider, c.account_id, min(c.call || ' failed: ' || coalesce(c.error, 'unknown error')) as failure
  from collection c
  where c.scan_id = :scan_id and not c.ok and c.provider = 'gcp' and c.account_id is not null
  group by c.provider, c.account_id
)
select s.provider, s.account_id, null as resource_id, 'fail' as status,
  'CSP-native security product ' || s.service || ' is enabled' || coalesce(' in ' || s.region, '') as message,
  s.service, s.region, s.detail
from security_service s
where s.scan_id = :scan_id and s.enabled and s.provider in ('aws', 'azure', 'gcp')
union all
select a.provider, a.account_id, null,
  case when u.account_id is null then 'pass' else 'error' end,
  case when u.account_id is null then 'No CSP-native security product found enabled'
       else 'Not observed: the project answered an error (' || u.failure || '), so its Security Command Center'
            || ' state is unknown' end,
  null, null, null
from account a
left join unobserved u on u.provider = a.provider and u.account_id = a.account_id
where a.scan_id = :scan_id and a.provider in ('aws', 'azure', 'gcp')
  and not exists (select 1 from security_service s where s.scan_id = a.scan_id and s.provider = a.provider
                    and s.account_id = a.account_id and s.enabled)
