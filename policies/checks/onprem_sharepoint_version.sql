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
    when e.header is null then e.url || ' sent no MicrosoftSharePointTeamServices header: verify the version with (Get-SPFarm).BuildVersion'
    when e.product is null then e.url || ' announces build ' || coalesce(e.build, e.header) || ', which is not in the build table: verify the version with (Get-SPFarm).BuildVersion'
    when e.version = 'Subscription Edition' then e.url || ' runs SharePoint Server Subscription Edition (build ' || e.build || ')'
    else e.url || ' runs SharePoint Server ' || e.version || ' (build ' || e.build || '), out of support since '
         || cast(e.end_of_support as varchar) || '; upgrade to Subscription Edition'
  end as message,
  e.header, e.build, e.product, e.version, e.end_of_support, e.status_code
from onprem_endpoint e
where e.scan_id = :scan_id and e.kind = 'sharepoint'
