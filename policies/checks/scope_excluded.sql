-- Runs for every location and classification control. Resources in scope the configuration left
-- out (table scope_excluded, recorded by the connectors) were never seen, so nothing about them can
-- pass: one 'manual' row per AWS account naming its enabled regions outside the configured
-- regions list, and one per Azure subscription the credential can list that the configuration
-- (subscriptions, management_group) leaves out. The region names are joined by a recursive CTE
-- (portable across SQLite and PostgreSQL, which have different string aggregates).
-- It requires no area of its own: a failed region discovery (area inventory) already makes the
-- other check of each of these controls 'error' for the account; a second error would repeat it.
with recursive left_out as (
  select provider, account_id, config_field, cast(region as text) as region,
    row_number() over (partition by provider, account_id order by region) as n,
    count(*) over (partition by provider, account_id) as total
  from scope_excluded where scan_id = :scan_id and region is not null
),
joined (provider, account_id, config_field, n, total, regions) as (
  select provider, account_id, config_field, n, total, region from left_out where n = 1
  union all
  select j.provider, j.account_id, j.config_field, l.n, j.total, j.regions || ', ' || l.region
  from joined j join left_out l on l.provider = j.provider and l.account_id = j.account_id and l.n = j.n + 1
)
select provider, account_id, null as resource_id, 'manual' as status, 'scope_excluded.regions' as message_key,
  config_field, regions as not_scanned, total as not_scanned_count
from joined where n = total
union all
select provider, account_id, null, 'manual', 'scope_excluded.subscription',
  config_field, coalesce(name || ' (' || account_id || ')', account_id), 1
from scope_excluded where scan_id = :scan_id and region is null
