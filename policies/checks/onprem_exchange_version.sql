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
    when e.header is null then 'onprem_exchange_version.no_header'
    when e.product is null then 'onprem_exchange_version.unknown_build'
    when e.version = 'Subscription Edition' then 'onprem_exchange_version.subscription_edition'
    else 'onprem_exchange_version.out_of_support'
  end as message_key,
  e.header, e.build, e.product, e.version, e.end_of_support, e.status_code, e.url, coalesce(e.build, e.header) as announced
from onprem_endpoint e
where e.scan_id = :scan_id and e.kind = 'exchange'
