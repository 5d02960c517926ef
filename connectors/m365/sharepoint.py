"""SharePoint Online sites (personal sites excluded) with usage figures, sharing settings, OneDrive accounts.

Files and storage come from the usage reports (one download per scan); a site the report does
not list keeps NULL counts (not observed), never 0.
"""

from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.sites.get_all_sites.get_all_sites_request_builder import GetAllSitesRequestBuilder

from connectors.base import json_safe
from connectors.m365 import calls
from connectors.m365.graph import as_int, yes
from connectors.m365.rows import M365Drive, M365Site
from connectors.m365.tenant_scan import TenantScan, wire
from inventory.rows import Setting

SITE_FIELDS = ["id", "name", "displayName", "webUrl", "siteCollection", "isPersonalSite", "createdDateTime"]


def is_personal(site) -> bool:
    url = (site.web_url or "").lower()
    return bool(site.is_personal_site) or ("-my.sharepoint." in url and "/personal/" in url)


def _url(value: str | None) -> str:
    return (value or "").lower().rstrip("/")


async def collect(scan: TenantScan) -> None:
    session, client = scan.session, scan.session.client
    config = RequestConfiguration(query_parameters=GetAllSitesRequestBuilder.GetAllSitesRequestBuilderGetQueryParameters(
        select=SITE_FIELDS))
    sites = await scan.run(calls.SITES, session.all_pages(client.sites.get_all_sites, config))
    usage = await scan.run(calls.SITE_USAGE,
                           session.report("get_share_point_site_usage_detail", scan.cfg.report_period))
    settings = await scan.run(calls.SHAREPOINT_SETTINGS, session.call(client.admin.sharepoint.settings.get))
    if settings is not None:
        scan.tenant.sharing_capability = getattr(settings.sharing_capability, "value", settings.sharing_capability)
        scan.tenant.site_creation_enabled = settings.is_site_creation_enabled
        scan.emit(Setting(provider="m365", account_id=scan.tenant_id, key="sharepoint.sharing_capability",
                          value=scan.tenant.sharing_capability, source_api=calls.SHAREPOINT_SETTINGS.call,
                          raw=json_safe(wire(settings))))
    if sites is None:
        return
    by_id = {(r.get("Site Id") or "").lower(): r for r in usage or []}
    by_url = {_url(r.get("Site URL")): r for r in usage or []}
    for site in (s for s in sites if not is_personal(s)):
        guid = (site.id or "").split(",")[1].lower() if (site.id or "").count(",") >= 2 else ""
        row = by_id.get(guid) or by_url.get(_url(site.web_url)) or {}
        location = site.site_collection.data_location_code if site.site_collection else None
        name = site.display_name or site.name or site.web_url
        scan.emit(M365Site(
            tenant_id=scan.tenant_id, site_id=site.id, name=name, web_url=site.web_url,
            data_location=location.lower() if location else None, template=row.get("Root Web Template") or None,
            file_count=as_int(row.get("File Count")), storage_used_bytes=as_int(row.get("Storage Used (Byte)")),
            last_activity=row.get("Last Activity Date") or None))
        scan.resource(site.id, "m365.site", name, location, calls.SITES.call, site,
                      created_at=site.created_date_time)


async def onedrive(scan: TenantScan) -> None:
    """OneDrive accounts (not deleted) from the OneDrive usage report, with file counts and storage."""
    rows = await scan.run(calls.ONEDRIVE_USAGE,
                          scan.session.report("get_one_drive_usage_account_detail", scan.cfg.report_period))
    locations = {u.upn: u.preferred_data_location for u in scan.users or [] if u.upn}
    for r in rows or []:
        if yes(r.get("Is Deleted")):
            continue
        owner = r.get("Owner Principal Name") or None
        url = r.get("Site URL") or None
        uid = url or owner or r.get("Site Id") or ""
        scan.emit(M365Drive(tenant_id=scan.tenant_id, uid=uid, owner=owner, site_url=url,
                            file_count=as_int(r.get("File Count")) or 0, active_file_count=as_int(r.get("Active File Count")),
                            storage_used_bytes=as_int(r.get("Storage Used (Byte)")),
                            last_activity=r.get("Last Activity Date") or None))
        scan.resource(uid, "m365.onedrive", owner or url, locations.get((owner or "").lower()),
                      calls.ONEDRIVE_USAGE.call, r)
