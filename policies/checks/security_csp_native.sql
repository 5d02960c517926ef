-- JENV25-CSP-SECTOOLS: one 'fail' row (severity info, from the pack) per enabled CSP-native
-- security product and region, and one 'pass' row per account where none is enabled. A GCP
-- project's Security Command Center state is read from a scope-wide search: a project that
-- answered an error on any call of this scan (a collection for it that failed, e.g. 403) was not
-- observed, so it gets 'error' instead of 'pass'.
with unobserved as (  -- each project's first failed call
  select provider, account_id, call as failed_call, error as failed_error from (
    select c.provider, c.account_id, c.call, c.error,
      row_number() over (partition by c.provider, c.account_id order by c.call, coalesce(c.error, '')) as n
    from collection c
    where c.scan_id = :scan_id and not c.ok and c.provider = 'gcp' and c.account_id is not null) f
  where n = 1
)
select s.provider, s.account_id, null as resource_id, 'fail' as status,
  case when s.region is null then 'security_csp_native.enabled' else 'security_csp_native.enabled_in' end as message_key,
  s.service, s.region, s.detail, null as failed_call, null as failed_error
from security_service s
where s.scan_id = :scan_id and s.enabled and s.provider in ('aws', 'azure', 'gcp')
union all
select a.provider, a.account_id, null,
  case when u.account_id is null then 'pass' else 'error' end,
  case when u.account_id is null then 'security_csp_native.none' else 'security_csp_native.unobserved' end,
  null, null, null, u.failed_call, u.failed_error
from account a
left join unobserved u on u.provider = a.provider and u.account_id = a.account_id
where a.scan_id = :scan_id and a.provider in ('aws', 'azure', 'gcp')
  and not exists (select 1 from security_service s where s.scan_id = a.scan_id and s.provider = a.provider
                    and s.account_id = a.account_id and s.enabled)
