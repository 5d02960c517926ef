"""Microsoft 365 connector: one tenant, app-only, read-only, through msgraph-sdk.

The SDK is async; :meth:`M365Connector.collect` runs the collection in an asyncio loop on a
worker thread and yields the rows as they arrive. Each call group emits a Collection row
(declared in :mod:`connectors.m365.calls`), so a 403 on one area leaves the rest
of the scan intact.
"""

import asyncio
import queue
import threading
from collections.abc import Iterator

from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.organization.organization_request_builder import OrganizationRequestBuilder
from msgraph.generated.users.users_request_builder import UsersRequestBuilder

from connectors.base import CONNECTOR, ScanContext, json_safe
from connectors.m365 import activity, calls, exchange, sharepoint, teams
from connectors.m365.config import M365Config
from connectors.m365.graph import GraphSession
from connectors.m365.licences import user_row
from connectors.m365.rows import M365Tenant
from connectors.m365.tenant_scan import TenantScan, wire
from connectors.microsoft_credential import build_credential
from inventory.rows import Account, Collection, Row, Setting

DONE = object()
ORG_FIELDS = ["id", "displayName", "countryLetterCode", "onPremisesSyncEnabled", "onPremisesLastSyncDateTime",
              "verifiedDomains", "createdDateTime"]
USER_FIELDS = ["id", "userPrincipalName", "mail", "accountEnabled", "onPremisesSyncEnabled", "assignedPlans",
               "preferredDataLocation", "usageLocation", "userType"]


class M365Connector:
    """Collects one [[m365]] tenant. ``max_retry_wait`` caps throttling waits (tests only)."""

    provider = "m365"

    def __init__(self, config: M365Config, context: ScanContext, max_retry_wait: float | None = None):
        self.cfg, self.context, self.max_retry_wait = config, context, max_retry_wait

    def collect(self) -> Iterator[Row]:
        rows: queue.Queue = queue.Queue()
        worker = threading.Thread(target=self._thread, args=(rows.put,), name=f"m365-{self.cfg.name}", daemon=True)
        worker.start()
        while (row := rows.get()) is not DONE:
            yield row
        worker.join()

    def _thread(self, emit) -> None:
        try:
            asyncio.run(self._collect(emit))
        except Exception as exc:
            emit(Collection(provider="m365", estate=self.cfg.name, account_id=self.cfg.tenant_id, area="accounts",
                            call=CONNECTOR, ok=False, error=f"{type(exc).__name__}: {exc}"[:2000]))
        finally:
            emit(DONE)

    async def _collect(self, emit) -> None:
        credential = build_credential(self.cfg)
        session = GraphSession(self.cfg.graph_endpoint, credential, self.context,
                               self.max_retry_wait)
        scan = TenantScan(self.cfg, session, emit, M365Tenant(tenant_id=self.cfg.tenant_id,
                                                               report_period=self.cfg.report_period))
        await asyncio.gather(tenant(scan), licences(scan))
        await asyncio.gather(settings(scan), teamwork(scan), teams.collect(scan), sharepoint.collect(scan),
                             sharepoint.onedrive(scan), exchange.mailboxes(scan), exchange.hybrid(scan),
                             activity.collect(scan))
        emit(scan.tenant)
        if hasattr(credential, "close"):
            credential.close()


async def tenant(scan: TenantScan) -> None:
    """/organization: the Account row (kind m365-tenant) and the tenant facts."""
    config = RequestConfiguration(query_parameters=OrganizationRequestBuilder.OrganizationRequestBuilderGetQueryParameters(
        select=ORG_FIELDS))
    orgs = await scan.run(calls.ORGANIZATION, scan.session.all_pages(scan.session.client.organization, config))
    org = next((o for o in orgs or [] if o.id == scan.tenant_id), (orgs or [None])[0])
    t = scan.tenant
    if org:
        t.name, t.country = org.display_name, org.country_letter_code
        t.sync_enabled, t.last_sync = bool(org.on_premises_sync_enabled), org.on_premises_last_sync_date_time
        t.verified_domains = "; ".join(sorted(d.name for d in org.verified_domains or [] if d.name))
    scan.emit(Account(provider="m365", account_id=scan.tenant_id, name=t.name, kind="m365-tenant", estate=scan.cfg.name,
                      created_at=org.created_date_time if org else None, raw=json_safe(wire(org))))


async def licences(scan: TenantScan) -> None:
    """Users with their service plans: per-user flags and a count per workload as Settings."""
    config = RequestConfiguration(query_parameters=UsersRequestBuilder.UsersRequestBuilderGetQueryParameters(
        select=USER_FIELDS, top=999))
    users = await scan.run(calls.USERS, scan.session.all_pages(scan.session.client.users, config))
    if users is None:
        return
    scan.users = [user_row(scan.tenant_id, u) for u in users]
    for row in scan.users:
        scan.emit(row)
    for plan in ("exchange", "sharepoint", "onedrive", "teams", "office_web", "office_desktop"):
        count = sum(getattr(u, f"plan_{plan}") for u in scan.users)
        scan.emit(Setting(provider="m365", account_id=scan.tenant_id, key=f"licences.{plan}.users", value=str(count),
                          source_api=calls.USERS.call, raw={"plan": plan, "users": count}))


async def settings(scan: TenantScan) -> None:
    """Group.Unified directory setting (who may create groups, and so teams) and report concealment."""
    client = scan.session.client
    objects = await scan.run(calls.GROUP_SETTINGS, scan.session.all_pages(client.group_settings))
    if objects is not None:
        unified = next((o for o in objects if o.display_name == "Group.Unified"), None)
        values = {v.name: v.value for v in (unified.values or [])} if unified else {}
        t = scan.tenant
        t.group_unified_present = unified is not None
        t.group_creation_enabled = str(values.get("EnableGroupCreation", "true")).lower() != "false"
        t.group_creation_allowed_group = values.get("GroupCreationAllowedGroupId") or None
        scan.emit(Setting(provider="m365", account_id=scan.tenant_id, key="groups.unified.enable_group_creation",
                          value=str(t.group_creation_enabled).lower(), source_api=calls.GROUP_SETTINGS.call,
                          raw=json_safe(wire(unified))))
    report = await scan.run(calls.REPORT_SETTINGS, scan.session.call(client.admin.report_settings.get))
    if report is not None:
        scan.tenant.report_names_concealed = bool(report.display_concealed_names)
        scan.emit(Setting(provider="m365", account_id=scan.tenant_id, key="reports.display_concealed_names",
                          value=str(scan.tenant.report_names_concealed).lower(), source_api=calls.REPORT_SETTINGS.call,
                          raw=json_safe(wire(report))))


async def teamwork(scan: TenantScan) -> None:
    """Teams region as /teamwork reports it (text, not a location code)."""
    answer = await scan.run(calls.TEAMWORK, scan.session.call(scan.session.client.teamwork.get))
    if answer is not None:
        scan.tenant.teams_region = answer.region
        scan.emit(Setting(provider="m365", account_id=scan.tenant_id, key="teams.region", value=answer.region,
                          source_api=calls.TEAMWORK.call, raw=json_safe(wire(answer))))
