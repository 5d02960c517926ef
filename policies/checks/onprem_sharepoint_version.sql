-- JENV25-SPS-VERSION: one row per configured on-premises SharePoint Server endpoint: pass only for Subscription Edition. Builds map
-- to products in connectors/onprem/builds.py; SharePoint Server 2016 and 2019 are out of support since 2026-07-14.
-- An endpoint without a readable MicrosoftSharePointTeamServices header is 'manual'.
select 'onprem' as provider, e.url as account_id, null as resource_id,
  case
    when e.product is null then 'manual'
    when e.version = 'Subscription Edition' then 'pass'
    else 'fail'
  end as status,
  case
    when e.header is null then 'onprem_sharepoint_version.no_header'
    when e.product is null then 'onprem_sharepoint_version.unknown_build'
    when e.version = 'Subscription Edition' then 'onprem_sharepoint_version.subscription_edition'
    else 'onprem_sharepoint_version.out_of_support'
  end as message_key,
  e.header, e.build, e.product, e.version, e.end_of_support, e.status_code, e.url, coalesce(e.build, e.header) as announced
from onprem_endpoint e
where e.scan_id = :scan_id and e.kind = 'sharepoint'
