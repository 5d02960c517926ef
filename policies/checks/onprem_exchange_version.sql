-- JENV25-EXO-VERSION: one row per configured on-premises Exchange Server endpoint: pass only for Subscription Edition. Builds map
-- to products in connectors/onprem/builds.py; Exchange Server 2016 and 2019 are out of support since 2025-10-14.
-- An endpoint without a readable X-OWA-Version header is 'manual'.
select 'onprem' as provider, e.url as account_id, null as resource_id,
  case
    when e.product is null then 'manual'
    when e.version = 'Subscription Edition' then 'pass'
    else 'fail'
  end as status,
  case
    when e.header is null then e.url || ' sent no X-OWA-Version header: verify the version with Get-ExchangeServer'
    when e.product is null then e.url || ' announces build ' || coalesce(e.build, e.header) || ', which is not in the build table: verify the version with Get-ExchangeServer'
    when e.version = 'Subscription Edition' then e.url || ' runs Exchange Server Subscription Edition (build ' || e.build || ')'
    else e.url || ' runs Exchange Server ' || e.version || ' (build ' || e.build || '), out of support since '
         || cast(e.end_of_support as varchar) || '; upgrade to Subscription Edition'
  end as message,
  e.header, e.build, e.product, e.version, e.end_of_support, e.status_code
from onprem_endpoint e
where e.scan_id = :scan_id and e.kind = 'exchange'
