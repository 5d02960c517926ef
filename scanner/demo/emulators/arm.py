"""A fake Azure Resource Manager + Resource Graph endpoint that serves an estate described as data.

It speaks the documented wire format of the calls the Azure connector makes: ARM list paging
with absolute ``nextLink`` URLs, Resource Graph ``$skipToken`` paging with pages shorter than
``$top`` and lower-case types, queries (``Table | project ... | order by ...``) that return only
the projected columns and answer an unknown column with Resource Graph's 400 body, the
``x-ms-user-quota-*`` headers (a request past the quota gets 429), ARM error bodies, 403 for a
subscription marked ``forbidden`` (Resource Graph silently leaves such a subscription out, as the
real service does) and 429 + ``Retry-After`` for routes named in ``throttle``. Requests without a
bearer token get 401. Every request is logged in ``requests``.

Estate (JSON): ``tenant_id``; ``subscriptions``: [{subscription_id, display_name, state,
management_groups (names, nearest first), forbidden, resource_groups: [{name, location, tags}],
resources: [ARM resource JSON plus ``createdTime``; SQL databases may carry
``transparentDataEncryption``, SQL servers ``encryptionProtector`` (their ``properties``)],
pricings: [{name, pricingTier, ...}], policy_assignments: [ARM JSON]}]; ``policy_set_definitions``:
[ARM JSON with ``id``]; optional ``page_size``, ``graph_page_size``, ``graph_quota``,
``graph_quota_window`` (seconds) and ``throttle`` ({route: number of 429 answers}).

Standalone (for the demo): ``python -m scanner.demo.emulators.arm scanner/demo/azure_estate.json --port 8767``.
"""

import base64
import copy
import math
import re
import threading
import time
from collections.abc import Callable
from urllib.parse import parse_qs, urlencode, urlsplit

from scanner.demo.emulators.server import FakeHandler, FakeServer, serve_main

COLUMNS = ("id", "name", "type", "tenantId", "kind", "location", "resourceGroup", "subscriptionId", "managedBy", "sku",
           "plan", "properties", "tags", "identity", "zones", "extendedLocation")  # of Resources and ResourceContainers
HIDDEN = ("createdTime", "transparentDataEncryption", "encryptionProtector")
ROUTES = [  # (route name, method, path pattern); first match wins
    ("subscriptions", "GET", r"/subscriptions"),
    ("graph", "POST", r"/providers/microsoft\.resourcegraph/resources"),
    ("resources", "GET", r"/subscriptions/(?P<sub>[^/]+)/resources"),
    ("pricings", "GET", r"/subscriptions/(?P<sub>[^/]+)/providers/microsoft\.security/pricings"),
    ("policy_assignments", "GET", r"/subscriptions/(?P<sub>[^/]+)/providers/microsoft\.authorization/policyassignments"),
    ("policy_set_definitions", "GET", r"(/subscriptions/(?P<sub>[^/]+)|/providers/microsoft\.management/managementgroups/[^/]+)?"
                                      r"/providers/microsoft\.authorization/policysetdefinitions/[^/]+"),
    ("tde", "GET", r"/subscriptions/(?P<sub>[^/]+)/.+/databases/[^/]+/transparentdataencryption/current"),
    ("protector", "GET", r"/subscriptions/(?P<sub>[^/]+)/.+/servers/[^/]+/encryptionprotector/current"),
]


class ArmFake(FakeServer):
    """The estate plus the HTTP server that serves it. Use as a context manager or start()/stop()."""

    def __init__(self, estate: dict, port: int = 0):
        self.estate = copy.deepcopy(estate)
        self.requests: list[tuple[str, str]] = []
        self.throttled = 0
        self._lock = threading.Lock()
        self._throttle = dict(self.estate.get("throttle", {}))
        self._quota_used, self._window_start = 0, None
        super().__init__(ArmHandler, port)

    # -- estate views -------------------------------------------------------------------------
    def subscription(self, sub_id: str) -> dict | None:
        return next((s for s in self.estate["subscriptions"] if s["subscription_id"].lower() == sub_id.lower()), None)

    def _find_resource(self, resource_id: str) -> dict | None:
        for sub in self.estate["subscriptions"]:
            for res in sub.get("resources", []):
                if res["id"].lower() == resource_id.lower():
                    return res
        return None

    # -- answers ------------------------------------------------------------------------------
    def answer(self, method: str, path: str, query: dict, body: dict | None) -> tuple[int, dict, dict]:
        """(status, headers, JSON body) for one request."""
        route, match = next(((name, m) for name, verb, pattern in ROUTES
                             if verb == method and (m := re.fullmatch(pattern, path, re.IGNORECASE))), (None, None))
        if route is None:
            return _error(404, "NotFound", f"no route for {method} {path}")
        with self._lock:
            if self._throttle.get(route, 0) > 0:
                self._throttle[route] -= 1
                self.throttled += 1
                return _error(429, "TooManyRequests", "request throttled", {"Retry-After": "1"})
        sub_id = match.groupdict().get("sub")
        if sub_id:
            sub = self.subscription(sub_id)
            if sub is None:
                return _error(404, "SubscriptionNotFound", f"The subscription '{sub_id}' could not be found.")
            if sub.get("forbidden"):
                return _error(403, "AuthorizationFailed",
                              f"The client does not have authorization to perform action over scope "
                              f"'/subscriptions/{sub_id}' or the scope is invalid.")
        return getattr(self, f"_{route}")(path, query, body or {}, sub_id)

    def _page(self, items: list, path: str, query: dict) -> tuple[int, dict, dict]:
        """One ARM list page with an absolute nextLink carrying $skiptoken."""
        start = int(query.get("$skiptoken", "0"))
        size = int(self.estate.get("page_size", 2))
        body = {"value": items[start:start + size]}
        if start + size < len(items):
            params = {k: v for k, v in query.items() if k != "$skiptoken"} | {"$skiptoken": str(start + size)}
            body["nextLink"] = f"{self.url}{path}?{urlencode(params)}"
        return 200, {}, body

    def _subscriptions(self, path, query, body, sub_id):
        tenant = self.estate.get("tenant_id")
        items = [{"id": f"/subscriptions/{s['subscription_id']}", "subscriptionId": s["subscription_id"],
                  "displayName": s.get("display_name"), "state": s.get("state", "Enabled"), "tenantId": tenant,
                  "subscriptionPolicies": {"locationPlacementId": "Public_2014-09-01", "spendingLimit": "Off"}}
                 for s in self.estate["subscriptions"]]
        return self._page(items, path, query)

    def _resources(self, path, query, body, sub_id):
        expand = query.get("$expand", "")
        items = []
        for res in self._resources_of(sub_id):
            item = {k: v for k, v in res.items() if k not in HIDDEN and k != "properties"}
            if "createdTime" in expand and res.get("createdTime"):
                item["createdTime"] = res["createdTime"]
            items.append(item)
        return self._page(items, path, query)

    def _resources_of(self, sub_id: str) -> list[dict]:
        return [{"name": r["id"].rstrip("/").split("/")[-1], **r} for r in self.subscription(sub_id).get("resources", [])]

    def _pricings(self, path, query, body, sub_id):
        value = [{"id": f"/subscriptions/{sub_id}/providers/Microsoft.Security/pricings/{p['name']}",
                  "name": p["name"], "type": "Microsoft.Security/pricings",
                  "properties": {k: v for k, v in p.items() if k != "name"}}
                 for p in self.subscription(sub_id).get("pricings", [])]
        return 200, {}, {"value": value}

    def _policy_assignments(self, path, query, body, sub_id):
        items = []
        for a in self.subscription(sub_id).get("policy_assignments", []):
            scope = a.get("properties", {}).get("scope", f"/subscriptions/{sub_id}")
            items.append({"id": f"{scope}/providers/Microsoft.Authorization/policyAssignments/{a['name']}",
                          "type": "Microsoft.Authorization/policyAssignments", **a})
        return self._page(items, path, query)

    def _policy_set_definitions(self, path, query, body, sub_id):
        found = next((d for d in self.estate.get("policy_set_definitions", []) if d["id"].lower() == path.lower()), None)
        if found is None:
            return _error(404, "PolicySetDefinitionNotFound", f"The policy set definition '{path}' could not be found.")
        return 200, {}, {"name": found["id"].split("/")[-1], "type": "Microsoft.Authorization/policySetDefinitions", **found}

    def _child(self, path: str, field: str, child_type: str):
        parent = self._find_resource(path.rsplit("/", 2)[0])
        if parent is None or field not in parent:
            return _error(404, "ResourceNotFound", f"The requested resource '{path}' was not found.")
        return 200, {}, {"id": path, "name": "current", "type": child_type, "properties": parent[field]}

    def _tde(self, path, query, body, sub_id):
        return self._child(path, "transparentDataEncryption", "Microsoft.Sql/servers/databases/transparentDataEncryption")

    def _protector(self, path, query, body, sub_id):
        return self._child(path, "encryptionProtector", "Microsoft.Sql/servers/encryptionProtector")

    # -- Resource Graph -----------------------------------------------------------------------
    def _graph(self, path, query, body, sub_id):
        quota = self._quota_headers()
        if quota is None:
            wait = self._seconds_to_reset()
            return _error(429, "RateLimiting", "Please provide below info when asking for support",
                          {"Retry-After": str(wait), "x-ms-user-quota-remaining": "0",
                           "x-ms-user-quota-resets-after": _hms(wait)})
        scope = self._graph_scope(body)
        rows = run_query(body.get("query", ""), {"resources": lambda: self._graph_resources(scope),
                                                 "resourcecontainers": lambda: self._graph_containers(scope)})
        if isinstance(rows, str):
            return _query_error(rows)
        options = body.get("options") or {}
        top = min(int(options.get("$top") or 100), 1000)
        start = int(base64.b64decode(options["$skipToken"]).decode()) if options.get("$skipToken") else 0
        size = min(top, int(self.estate.get("graph_page_size", 3)))
        page = rows[start:start + size]
        answer = {"totalRecords": len(rows), "count": len(page), "resultTruncated": "false", "data": page, "facets": []}
        if start + size < len(rows):
            answer["$skipToken"] = base64.b64encode(str(start + size).encode()).decode()
        return 200, quota, answer

    def _graph_scope(self, body: dict) -> list[dict]:
        """Readable subscriptions in the request scope (forbidden ones are silently left out)."""
        wanted = {s.lower() for s in body.get("subscriptions") or []}
        groups = {g.lower() for g in body.get("managementGroups") or []}
        return [s for s in self.estate["subscriptions"] if not s.get("forbidden")
                and (s["subscription_id"].lower() in wanted
                     or groups & {g.lower() for g in s.get("management_groups", [])})]

    def _graph_resources(self, subs: list[dict]) -> list[dict]:
        tenant = self.estate.get("tenant_id")
        out = []
        for sub in subs:
            for res in self._resources_of(sub["subscription_id"]):
                out.append({"id": res["id"], "name": res["name"], "type": res["type"].lower(), "tenantId": tenant,
                            "kind": res.get("kind", ""), "location": res.get("location", "").lower(),
                            "resourceGroup": res["id"].split("/")[4].lower(), "subscriptionId": sub["subscription_id"],
                            "managedBy": res.get("managedBy", ""), "sku": res.get("sku"), "plan": res.get("plan"),
                            "properties": res.get("properties", {}), "tags": res.get("tags"),
                            "identity": res.get("identity"), "zones": res.get("zones"), "extendedLocation": None})
        return out

    def _graph_containers(self, subs: list[dict]) -> list[dict]:
        tenant = self.estate.get("tenant_id")
        out = []
        for sub in subs:
            sid = sub["subscription_id"]
            chain = [{"name": g, "displayName": g} for g in sub.get("management_groups", [])]
            out.append({"id": f"/subscriptions/{sid}", "name": sub.get("display_name"),
                        "type": "microsoft.resources/subscriptions", "tenantId": tenant, "location": "",
                        "resourceGroup": "", "subscriptionId": sid, "tags": sub.get("tags"),
                        "properties": {"state": sub.get("state", "Enabled"), "managementGroupAncestorsChain": chain}})
            for rg in sub.get("resource_groups", []):
                out.append({"id": f"/subscriptions/{sid}/resourceGroups/{rg['name']}", "name": rg["name"],
                            "type": "microsoft.resources/subscriptions/resourcegroups", "tenantId": tenant,
                            "location": rg["location"].lower(), "resourceGroup": rg["name"].lower(),
                            "subscriptionId": sid, "tags": rg.get("tags"),
                            "properties": {"provisioningState": "Succeeded"}})
        return out

    def _quota_headers(self) -> dict | None:
        """Count one query against the quota window; None when the quota is used up."""
        limit = int(self.estate.get("graph_quota", 15))
        with self._lock:
            now = time.monotonic()
            if self._window_start is None or now - self._window_start >= self._window():
                self._window_start, self._quota_used = now, 0
            if self._quota_used >= limit:
                return None
            self._quota_used += 1
            return {"x-ms-user-quota-remaining": str(limit - self._quota_used),
                    "x-ms-user-quota-resets-after": _hms(self._seconds_to_reset())}

    def _window(self) -> float:
        return float(self.estate.get("graph_quota_window", 5))

    def _seconds_to_reset(self) -> int:
        return max(1, math.ceil(self._window() - (time.monotonic() - self._window_start)))


def run_query(query: str, tables: dict[str, Callable[[], list[dict]]]) -> list[dict] | str:
    """The rows of a ``Table | project a, b | order by a asc`` query, or the error ARG would give.

    As in Resource Graph, a row holds only the projected columns, and naming a column that does not
    exist (in the table, or after ``project``) is an error.
    """
    table, *stages = (part.strip() for part in query.split("|"))
    if table.lower() not in tables:
        return f"Failed to resolve table or column expression named '{table}'"
    rows, columns = tables[table.lower()](), COLUMNS
    for stage in stages:
        operator, _, argument = stage.partition(" ")
        if operator == "project":
            named = [column.strip() for column in argument.split(",")]
        elif operator == "order" and (order := re.fullmatch(r"by\s+(\w+)(?:\s+(asc|desc))?", argument.strip())):
            named = [order[1]]
        else:
            return f"this fake runs only 'project' and 'order by', not {stage!r}"
        if unknown := next((column for column in named if column not in columns), None):
            return f"'{operator}' operator: Failed to resolve scalar expression named '{unknown}'"
        if operator == "project":
            columns = tuple(named)
        else:
            rows = sorted(rows, key=lambda row: str(row.get(order[1])).lower(), reverse=order[2] == "desc")
    return [{column: row.get(column) for column in columns} for row in rows]


def _query_error(detail: str) -> tuple[int, dict, dict]:
    """Resource Graph's answer to a query it cannot run."""
    return 400, {}, {"error": {
        "code": "BadRequest",
        "message": "Please provide below info when asking for support: timestamp = 2026-11-26T09:00:00.0000000Z, "
                   "correlationId = 00000000-0000-0000-0000-000000000000.",
        "details": [{"code": "InvalidQuery", "message": "Query is invalid. Please refer to the documentation for the "
                     "Azure Resource Graph service and fix the error before retrying."},
                    {"code": "Default", "message": detail}]}}


def _hms(seconds: int) -> str:
    return time.strftime("%H:%M:%S", time.gmtime(seconds))


def _error(status: int, code: str, message: str, headers: dict | None = None) -> tuple[int, dict, dict]:
    return status, headers or {}, {"error": {"code": code, "message": message}}


class ArmHandler(FakeHandler):
    protocol_version = "HTTP/1.0"  # one request per connection
    do_POST = FakeHandler.do_GET

    def serve(self) -> None:
        parts = urlsplit(self.path)
        self.fake.requests.append((self.command, parts.path))
        body = self.read_json()
        if not (self.headers.get("Authorization") or "").startswith("Bearer "):
            status, headers, answer = _error(401, "AuthenticationFailed", "no bearer token")
        else:
            query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
            status, headers, answer = self.fake.answer(self.command, parts.path, query, body)
        self.send_json(status, answer, headers)


if __name__ == "__main__":
    serve_main("fake ARM + Resource Graph", ArmFake)
