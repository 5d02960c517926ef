-- JENV25-CSP-SECTOOLS: one 'fail' row (severity info, from the pack) per enabled CSP-native
-- security product and region, and one 'pass' row per account where none is enabled.
select s.provider, s.account_id, null as resource_id, 'fail' as status,
  'CSP-native security product ' || s.service || ' is enabled' || coalesce(' in ' || s.region, '') as message,
  s.service, s.region, s.detail
from security_service s
where s.scan_id = :scan_id and s.enabled and s.provider in ('aws', 'azure', 'gcp')
union all
select a.provider, a.account_id, null, 'pass', 'No CSP-native security product found enabled', null, null, null
from account a
where a.scan_id = :scan_id and a.provider in ('aws', 'azure', 'gcp')
  and not exists (select 1 from security_service s where s.scan_id = a.scan_id and s.provider = a.provider
                    and s.account_id = a.account_id and s.enabled)
