"""GCP connector: projects, resources, key custody, location policy and Security Command Center.

Everything is read through Cloud Asset Inventory (google-cloud-asset, REST transport) plus the
Org Policy API v2 for the effective ``gcp.resourceLocations`` constraint:

1. ``searchAllResources`` (assetTypes = Project) over the scope -> Account rows (area ``accounts``);
2. ``searchAllResources`` (page size 500, all pages) over the scope -> Resource rows (``inventory``);
3. per project, ``listAssets`` (contentType RESOURCE) for the types whose key detail lives only in
   the full resource data (buckets, disks, Cloud SQL, BigQuery, ...) and for Cloud KMS CryptoKeys
   (their protection level tells Cloud EKM keys apart) -> merged into the Resource rows (``inventory``);
4. per project, ``getEffectivePolicy(gcp.resourceLocations)`` -> Setting ``policy.resource_locations``
   (``gcp.orgpolicy``; evidence only, the observed locations decide);
5. ``searchAllResources`` (assetTypes = serviceusage Service, name securitycenter.googleapis.com)
   -> SecurityService ``scc`` per project (``security_services``).

Steps 2, 3 and 4 run at the same time (3 and 4 each at most ``concurrency`` of its service in flight);
their rows come out in the order above.

A failed call becomes a Collection error for its project (or for the whole estate when it was
scope-wide); the scan goes on.
"""

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime

from google.api_core import exceptions as gexc
from google.api_core.client_options import ClientOptions
from google.api_core.retry import Retry, if_exception_type
from google.cloud import asset_v1, orgpolicy_v2

from connectors.base import Call, ScanContext, attempt, json_safe, unwrap
from connectors.gcp import normalise as n
from connectors.gcp.calls import LIST, LIST_ASSETS, LOCATION_POLICY, POLICY, SEARCH, SEARCH_PROJECTS, SEARCH_RESOURCES, SEARCH_SERVICES
from connectors.gcp.config import GcpConfig
from connectors.gcp.credentials import build_credentials
from inventory.rows import Account, Collection, Resource, Row, SecurityService, Setting

RETRYABLE = (gexc.TooManyRequests, gexc.InternalServerError, gexc.BadGateway,
             gexc.ServiceUnavailable, gexc.GatewayTimeout)
SCC_SERVICE = "securitycenter.googleapis.com"
LOCATIONS_CONSTRAINT = "gcp.resourceLocations"


@dataclass
class Project:
    id: str
    number: str | None
    raw: dict


@dataclass
class ProjectDetail:
    """What the per-project calls returned: Collection rows, full asset data, the policy Setting."""

    records: list[Collection] = field(default_factory=list)
    assets: dict[str, dict] = field(default_factory=dict)
    setting: Setting | None = None


def describe_error(exc: BaseException) -> str:
    """``403 Forbidden: GET <url>: <message>`` (the URL names the project; headers are never shown)."""
    if isinstance(exc, gexc.GoogleAPICallError):
        return f"{exc.code} {type(exc).__name__}: {exc.message}"
    if isinstance(exc, gexc.RetryError):
        return f"gave up retrying before the scan deadline: {describe_error(exc.cause) if exc.cause else exc}"
    return f"{type(exc).__name__}: {exc}"


def as_dict(message) -> dict:
    """A proto-plus message as the camelCase JSON the API sent, without unset fields."""
    return type(message).to_dict(message, preserving_proto_field_name=False, use_integers_for_enums=False,
                                 always_print_fields_with_no_presence=False)


def utc(text: str | None) -> datetime | None:
    """An RFC 3339 time from the API as an aware UTC datetime (nanoseconds are cut to micro)."""
    return datetime.fromisoformat(text).astimezone(UTC) if text else None


class GcpConnector:
    """Reads one [[gcp]] scope (organisation, folder or project)."""

    provider = "gcp"

    def __init__(self, config: GcpConfig, context: ScanContext, *, retry_initial: float = 1.0):
        self.config = config
        self.context = context
        self.retry_initial = retry_initial  # first back-off wait in seconds; it doubles up to 30 s
        credentials = build_credentials(config)

        def options(endpoint: str | None) -> ClientOptions | None:
            return ClientOptions(api_endpoint=endpoint) if endpoint else None

        self.assets = asset_v1.AssetServiceClient(credentials=credentials, transport="rest",
                                                  client_options=options(config.asset_endpoint))
        self.policies = orgpolicy_v2.OrgPolicyClient(credentials=credentials, transport="rest",
                                                     client_options=options(config.orgpolicy_endpoint))

    # -- calls -------------------------------------------------------------------------------
    def _retry(self) -> Retry:
        """429 and 5xx are retried with exponential back-off until the scan deadline (the SDK's
        default retry does not cover 429, and a 429 on a later page would end the pager)."""
        return Retry(predicate=if_exception_type(*RETRYABLE), initial=self.retry_initial,
                     maximum=max(self.retry_initial, 30.0), multiplier=2.0, timeout=self.context.seconds_left())

    def _attempt(self, fn: Callable, call: Call, account_id: str | None = None):
        """Run one call group; item_count is the number of results (1 for a single policy)."""
        return attempt(fn, call, provider=self.provider, estate=self.config.name, account_id=account_id,
                       describe_error=describe_error, count=lambda value: len(value) if isinstance(value, list) else 1)

    def _search(self, asset_types: list[str], query: str = "") -> list[dict]:
        request = {"scope": self.config.scope, "asset_types": asset_types, "query": query, "page_size": 500}
        return [as_dict(r) for r in self.assets.search_all_resources(request=request, retry=self._retry(), timeout=self.context.timeouts[1])]

    def _list_assets(self, project_id: str) -> list[dict]:
        request = {"parent": f"projects/{project_id}", "asset_types": list(n.DETAIL_TYPES),
                   "content_type": asset_v1.ContentType.RESOURCE, "page_size": 1000}
        return [as_dict(a) for a in self.assets.list_assets(request=request, retry=self._retry(), timeout=self.context.timeouts[1])]

    def _location_policy(self, project_id: str) -> dict:
        name = f"projects/{project_id}/policies/{LOCATIONS_CONSTRAINT}"
        return as_dict(self.policies.get_effective_policy(name=name, retry=self._retry(), timeout=self.context.timeouts[1]))

    # -- collection --------------------------------------------------------------------------
    def collect(self) -> Iterator[Row]:
        found = self._attempt(lambda: self._search([n.PROJECT_TYPE]), SEARCH_PROJECTS)
        yield found.record
        if not found.ok:
            yield from self._skipped("projects in scope could not be listed")
            return
        projects = self._projects(found.value)
        yield from (self._account(p) for p in projects)
        with ThreadPoolExecutor(max_workers=3, thread_name_prefix="gcp") as pool:  # none of these waits for another
            searching = pool.submit(self._attempt, lambda: self._search([]), SEARCH_RESOURCES)
            listing = pool.submit(self.context.each, lambda p: self._list_assets(p.id), projects, LIST_ASSETS.service)
            reading = pool.submit(self.context.each, lambda p: self._location_policy(p.id), projects,
                                  LOCATION_POLICY.service)
            searched, listed, policies = searching.result(), listing.result(), reading.result()
        yield searched.record
        details = self._project_details(projects, listed, policies)
        assets: dict[str, dict] = {}
        for detail in details:
            yield from detail.records
            yield from [detail.setting] if detail.setting else []
            assets.update(detail.assets)
        if searched.ok:
            yield from self._resources(searched.value, projects, assets)
        yield from self._security_command_center(projects)

    def _skipped(self, reason: str) -> Iterator[Collection]:
        """Estate-level errors for the areas that depend on knowing the projects."""
        for call in (SEARCH_RESOURCES, LOCATION_POLICY, SEARCH_SERVICES):
            yield call.record(provider=self.provider, estate=self.config.name, ok=False, error=f"not collected: {reason}")

    def _projects(self, results: list[dict]) -> list[Project]:
        """Project id from additionalAttributes.projectId, else from a name that uses the id
        (``//cloudresourcemanager.googleapis.com/projects/my-id``), else the number."""
        projects = []
        for r in results:
            number = (r.get("project") or r["name"]).rsplit("/", 1)[-1]
            named = r["name"].rsplit("/", 1)[-1]
            project_id = ((r.get("additionalAttributes") or {}).get("projectId")
                          or (named if not named.isdigit() else number))
            projects.append(Project(project_id, number, r))
        if self.config.scope.startswith("projects/") and not projects:  # the Project asset was not returned
            projects.append(Project(self.config.scope.removeprefix("projects/"), None, {}))
        return projects

    def _account(self, project: Project) -> Account:
        r = project.raw
        parent = (r.get("parentFullResourceName") or "").removeprefix("//cloudresourcemanager.googleapis.com/")
        return Account(provider=self.provider, account_id=project.id, name=r.get("displayName") or None,
                       kind="gcp-project", estate=self.config.name,
                       parent_id=parent or next(iter(r.get("folders") or []), None) or r.get("organization") or None,
                       created_at=utc(r.get("createTime")),
                       raw=json_safe(r))

    def _project_details(self, projects: list[Project], listed: list, policies: list) -> list[ProjectDetail]:
        """Per project its full assets and location policy, from the answers of :meth:`ScanContext.each`
        (``concurrency`` of cloudasset and of orgpolicy, both at once)."""
        details = []
        for project, assets, policy in zip(projects, listed, policies, strict=True):
            detail = ProjectDetail()
            found = self._attempt(lambda a=assets: unwrap(a), LIST_ASSETS, project.id)
            detail.records.append(found.record)
            detail.assets = {a["name"]: a for a in found.value or []}
            read = self._attempt(lambda a=policy: unwrap(a), LOCATION_POLICY, project.id)
            detail.records.append(read.record)
            if read.ok:
                detail.setting = Setting(provider=self.provider, account_id=project.id, key="policy.resource_locations",
                                         value=n.policy_value(read.value), source_api=POLICY, raw=json_safe(read.value))
            details.append(detail)
        return details

    def _account_of(self, projects: list[Project]) -> Callable[[str], str]:
        """Map a result's ``projects/NUMBER`` to the project id."""
        by_number = {p.number: p.id for p in projects if p.number}
        single = projects[0].id if self.config.scope.startswith("projects/") and len(projects) == 1 else None
        return lambda ref: by_number.get(ref.rsplit("/", 1)[-1]) or single or ref.rsplit("/", 1)[-1]

    def _resources(self, results: list[dict], projects: list[Project], assets: dict[str, dict]) -> Iterator[Resource]:
        account_of = self._account_of(projects)
        ids = {p.number: p.id for p in projects if p.number}
        levels = {n.key_name(name, ids): n.protection_level(a.get("resource", {}).get("data") or {})
                  for name, a in assets.items() if a.get("assetType") == n.CRYPTO_KEY_TYPE}
        for r in results:
            if r.get("assetType") == n.PROJECT_TYPE or not r.get("project"):
                continue  # projects are Account rows; folders and the organisation hold no data
            asset = assets.get(r["name"])
            resource = (asset or {}).get("resource") or {}
            refs = r.get("kmsKeys") or ([r["kmsKey"]] if r.get("kmsKey") else [])  # kmsKey: deprecated field
            keys = [n.key_name(k, ids) for k in refs]
            detail_key, supplied = n.detail_key(r["assetType"], resource.get("data") or {})
            if detail_key and n.key_name(detail_key, ids) not in keys:
                keys.append(n.key_name(detail_key, ids))
            encrypted, custody, key_id = n.encryption(r["assetType"], keys, supplied, levels)
            yield Resource(provider=self.provider, account_id=account_of(r["project"]), uid=r["name"],
                           type=r["assetType"], name=r.get("displayName") or r["name"].rsplit("/", 1)[-1],
                           region=n.region_of(r.get("location") or resource.get("location")),
                           created_at=utc(r.get("createTime")),
                           tags=dict(r.get("labels") or {}), stores_data=r["assetType"] in n.STORAGE_TYPES,
                           encrypted=encrypted, key_custody=custody, key_id=key_id,
                           source_api=SEARCH + (f"+{LIST}" if asset else ""),
                           raw=json_safe({"search": r, "asset": asset}))

    def _security_command_center(self, projects: list[Project]) -> Iterator[Row]:
        """SCC as seen through Service Usage: is securitycenter.googleapis.com enabled per project?

        Limit: an enabled API shows that SCC is in use for the project, not which tier or which
        detectors run; SCC activated only at organisation level, with the API off in a project,
        is not seen here. The SCC Management API would tell more (not read yet)."""
        found = self._attempt(lambda: self._search([n.SERVICE_TYPE], f"name:{SCC_SERVICE}"), SEARCH_SERVICES)
        yield found.record
        if not found.ok:
            return
        account_of = self._account_of(projects)
        services = {account_of(r.get("project") or ""): r for r in found.value
                    if r["name"].endswith(f"/services/{SCC_SERVICE}")}
        for project in projects:
            service = services.get(project.id)
            state = (service or {}).get("state") or ""
            enabled = service is not None and state.upper() != "DISABLED"
            detail = f"{SCC_SERVICE} {state or 'listed'}" if service else f"{SCC_SERVICE} not enabled"
            yield SecurityService(provider=self.provider, account_id=project.id, service="scc", enabled=enabled,
                                  detail=detail, source_api=SEARCH, raw=json_safe(service))
