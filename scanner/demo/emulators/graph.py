"""A fake Microsoft Graph (v1.0) plus the Exchange Online admin endpoint, serving a tenant described as data.

Wire format as in Microsoft's API reference: collections as ``{"value": [...]}`` with absolute
``@odata.nextLink`` URLs (``$skiptoken``), ``$select`` honoured on collections and single objects
(users without ``$select`` get only the default properties, as on real Graph; a property the
entity type does not have, by the SDK's models of Graph's metadata, gets Graph's 400 "Could not
find a property named ..."), single objects returned as the object itself, usage reports as a
302 to a CSV download on the same server, ODataError bodies (``{"error": {"code", "message",
"innerError"}}``), 401 without a bearer token, 403 for routes listed in ``forbidden``, 429 +
``Retry-After`` for routes listed in ``throttle``.

Tenant (JSON): ``tenant_id``; ``organization`` (Graph organization); ``reportSettings``;
``teamwork``; ``groupSettings`` (list); ``sharepointSettings``; ``users`` (Graph users; a
``mailboxSettings`` object means a cloud mailbox, ``mailbox404`` an error code for the 404,
default ``MailboxNotEnabledForRESTAPI``); ``groups`` (Graph groups; ``channels``: channels each
with a ``filesFolder`` driveItem; ``drive``: the team library); ``sites``; ``servicePrincipals``;
``reports`` ({function name: list of CSV rows as objects}); ``exchangeAdmin`` ({cmdlet: list});
optional ``forbidden`` (route names, or report function names), ``throttle`` ({route: count of
429 answers}), ``retry_after`` (seconds, default 1), ``page_size`` (default 100).

Routes: organization, users, mailboxSettings, groupSettings, teamwork, groups, channels,
filesFolder, groupDrive, sites, sharepointSettings, reportSettings, servicePrincipals, reports,
download, exo.

Standalone (for the demo; use the URL as both graph_endpoint and exchange_endpoint):
``python -m scanner.demo.emulators.graph scanner/demo/m365_tenant.json [--port N]``.
"""

import copy
import csv
import io
import json
import re
import threading
from functools import cache
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit

from msgraph.generated.models.admin_report_settings import AdminReportSettings
from msgraph.generated.models.channel import Channel
from msgraph.generated.models.drive import Drive
from msgraph.generated.models.drive_item import DriveItem
from msgraph.generated.models.group import Group
from msgraph.generated.models.group_setting import GroupSetting
from msgraph.generated.models.organization import Organization
from msgraph.generated.models.service_principal import ServicePrincipal
from msgraph.generated.models.sharepoint_settings import SharepointSettings
from msgraph.generated.models.site import Site
from msgraph.generated.models.teamwork import Teamwork
from msgraph.generated.models.user import User

from scanner.demo.emulators.server import FakeHandler, FakeServer, serve_main

INTERNAL = ("mailboxSettings", "mailbox404", "channels", "drive", "filesFolder")
USER_DEFAULT = ("id", "displayName", "mail", "userPrincipalName", "givenName", "surname", "jobTitle",
                "businessPhones", "mobilePhone", "officeLocation", "preferredLanguage")
ROUTES = [
    ("organization", "GET", r"/v1\.0/organization"),
    ("users", "GET", r"/v1\.0/users"),
    ("mailboxSettings", "GET", r"/v1\.0/users/(?P<user>[^/]+)/mailboxSettings"),
    ("groupSettings", "GET", r"/v1\.0/groupSettings"),
    ("teamwork", "GET", r"/v1\.0/teamwork"),
    ("groups", "GET", r"/v1\.0/groups"),
    ("channels", "GET", r"/v1\.0/teams/(?P<team>[^/]+)/channels"),
    ("filesFolder", "GET", r"/v1\.0/teams/(?P<team>[^/]+)/channels/(?P<channel>[^/]+)/filesFolder"),
    ("groupDrive", "GET", r"/v1\.0/groups/(?P<group>[^/]+)/drive"),
    ("sites", "GET", r"/v1\.0/sites/getAllSites(\(\))?"),
    ("sharepointSettings", "GET", r"/v1\.0/admin/sharepoint/settings"),
    ("reportSettings", "GET", r"/v1\.0/admin/reportSettings"),
    ("servicePrincipals", "GET", r"/v1\.0/servicePrincipals"),
    ("reports", "GET", r"/v1\.0/reports/(?P<report>\w+)\(period='(?P<period>D\d+)'\)"),
    ("download", "GET", r"/download/(?P<report>\w+)\.csv"),
    ("exo", "POST", r"/adminapi/beta/(?P<tenant>[^/]+)/InvokeCommand"),
]


TYPES = {"organization": Organization, "users": User, "groupSettings": GroupSetting, "teamwork": Teamwork,
         "groups": Group, "channels": Channel, "filesFolder": DriveItem, "groupDrive": Drive, "sites": Site,
         "sharepointSettings": SharepointSettings, "reportSettings": AdminReportSettings,
         "servicePrincipals": ServicePrincipal}  # the entity type each route answers with


@cache
def properties(model: type) -> frozenset[str]:
    """The properties of a Graph type, as the SDK (generated from Graph's metadata) reads them."""
    return frozenset(model().get_field_deserializers()) - {"@odata.type"}


def type_name(model: type) -> str:
    return "microsoft.graph." + model.__name__[0].lower() + model.__name__[1:]


def unknown_select(route: str, query: dict) -> tuple[int, dict, dict] | None:
    """Graph's 400 for a ``$select`` naming a property the route's entity type lacks; None when all exist."""
    if not query.get("$select"):
        return None
    if route not in TYPES:
        return odata_error(400, "BadRequest", f"this fake serves no $select on {route}")
    model = TYPES[route]
    unknown = next((name for name in query["$select"].split(",") if name not in properties(model)), None)
    if unknown is None:
        return None
    return odata_error(400, "BadRequest", f"Could not find a property named '{unknown}' on type '{type_name(model)}'.")


def odata_error(status: int, code: str, message: str, headers: dict | None = None) -> tuple[int, dict, dict]:
    body = {"error": {"code": code, "message": message,
                      "innerError": {"date": "2026-11-26T09:00:00", "request-id": "00000000-0000-0000-0000-000000000000"}}}
    return status, headers or {}, body


def strip(item: dict) -> dict:
    return {k: v for k, v in item.items() if k not in INTERNAL}


def select(item: dict, query: dict, default: tuple[str, ...] | None = None) -> dict:
    fields = query.get("$select", "").split(",") if query.get("$select") else default
    return strip(item) if not fields else {k: v for k, v in strip(item).items() if k in fields}


class GraphFake(FakeServer):
    """The tenant plus the HTTP server serving it. Use as a context manager or start()/stop()."""

    def __init__(self, tenant: dict, port: int = 0):
        self.tenant = copy.deepcopy(tenant)
        self.requests: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        self._throttle = dict(self.tenant.get("throttle", {}))
        super().__init__(GraphHandler, port)

    def answer(self, method: str, path: str, query: dict, body: dict | None) -> tuple[int, dict, dict | str]:
        path = re.sub("/+", "/", path)
        route, match = next(((name, m) for name, verb, pattern in ROUTES
                             if verb == method and (m := re.fullmatch(pattern, path))), (None, None))
        if route is None:
            return odata_error(400, "BadRequest", f"Resource not found for the segment '{path}'.")
        args = match.groupdict()
        forbidden = set(self.tenant.get("forbidden", []))
        if route in forbidden or args.get("report") in forbidden:
            return odata_error(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")
        with self._lock:
            if self._throttle.get(route, 0) > 0:
                self._throttle[route] -= 1
                retry = str(self.tenant.get("retry_after", 1))
                return odata_error(429, "TooManyRequests", "Too many requests.", {"Retry-After": retry})
        if refused := unknown_select(route, query):
            return refused
        return getattr(self, f"_{route}")(path, query, body or {}, **args)

    def _page(self, items: list, path: str, query: dict, default: tuple[str, ...] | None = None):
        start = int(query.get("$skiptoken", "0"))
        size = int(query.get("$top") or 0) or int(self.tenant.get("page_size", 100))
        size = min(size, int(self.tenant.get("page_size", 100)))
        body = {"@odata.context": f"{self.url}/v1.0/$metadata", "value": [select(i, query, default) for i in items[start:start + size]]}
        if start + size < len(items):
            params = {k: v for k, v in query.items() if k != "$skiptoken"} | {"$skiptoken": str(start + size)}
            body["@odata.nextLink"] = f"{self.url}{path}?{urlencode(params, quote_via=quote)}"
        return 200, {}, body

    def _one(self, item: dict | None, what: str, query: dict):
        if item is None:
            return odata_error(404, "itemNotFound", f"The requested {what} was not found.")
        return 200, {}, select(item, query)

    def _find(self, items: list, item_id: str) -> dict | None:
        return next((i for i in items if i.get("id") == item_id), None)

    def _organization(self, path, query, body):
        return self._page([self.tenant["organization"]], path, query)

    def _users(self, path, query, body):
        return self._page(self.tenant.get("users", []), path, query, USER_DEFAULT)

    def _mailboxSettings(self, path, query, body, user):
        found = self._find(self.tenant.get("users", []), user)
        if found is None:
            return odata_error(404, "ResourceNotFound", f"User not found: {user}")
        if "mailboxSettings" not in found:
            code = found.get("mailbox404", "MailboxNotEnabledForRESTAPI")
            return odata_error(404, code, "The mailbox is either inactive, soft-deleted, or is hosted on-premise.")
        return 200, {}, found["mailboxSettings"]

    def _groupSettings(self, path, query, body):
        return self._page(self.tenant.get("groupSettings", []), path, query)

    def _teamwork(self, path, query, body):
        return self._one(self.tenant.get("teamwork", {"id": "teamwork", "isTeamsEnabled": True}), "teamwork", query)

    def _groups(self, path, query, body):
        groups = self.tenant.get("groups", [])
        if "resourceProvisioningOptions/Any(x:x eq 'Team')" in query.get("$filter", ""):
            groups = [g for g in groups if "Team" in g.get("resourceProvisioningOptions", [])]
        return self._page(groups, path, query)

    def _team(self, team: str) -> dict | None:
        group = self._find(self.tenant.get("groups", []), team)
        return group if group and "Team" in group.get("resourceProvisioningOptions", []) else None

    def _channels(self, path, query, body, team):
        found = self._team(team)
        if found is None:
            return odata_error(404, "NotFound", f"No team found with Group Id {team}")
        return self._page(found.get("channels", []), path, query)

    def _filesFolder(self, path, query, body, team, channel):
        found = self._find((self._team(team) or {}).get("channels", []), channel)
        return self._one(found and found.get("filesFolder"), "filesFolder", query)

    def _groupDrive(self, path, query, body, group):
        found = self._find(self.tenant.get("groups", []), group)
        return self._one(found and found.get("drive"), "drive", query)

    def _sites(self, path, query, body):
        return self._page(self.tenant.get("sites", []), path, query)

    def _sharepointSettings(self, path, query, body):
        return self._one(self.tenant.get("sharepointSettings"), "sharepointSettings", query)

    def _reportSettings(self, path, query, body):
        return self._one(self.tenant.get("reportSettings", {"displayConcealedNames": False}), "reportSettings", query)

    def _servicePrincipals(self, path, query, body):
        items, flt = self.tenant.get("servicePrincipals", []), query.get("$filter", "")
        if m := re.fullmatch(r"appId eq '([^']+)'", flt):
            items = [i for i in items if i.get("appId") == m.group(1)]
        elif m := re.fullmatch(r"startswith\(displayName,\s*'([^']+)'\)", flt):
            items = [i for i in items if i.get("displayName", "").startswith(m.group(1))]
        return self._page(items, path, query)

    def _reports(self, path, query, body, report, period):
        return 302, {"Location": f"{self.url}/download/{report}.csv?period={period}"}, ""

    def _download(self, path, query, body, report):
        rows = self.tenant.get("reports", {}).get(report, [])
        columns = list(dict.fromkeys(k for r in rows for k in r)) or ["Report Refresh Date"]
        out = io.StringIO()
        writer = csv.DictWriter(out, columns, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
        return 200, {"Content-Type": "application/octet-stream"}, "\ufeff" + out.getvalue()

    def _exo(self, path, query, body, tenant):
        cmdlet = body.get("CmdletInput", {}).get("CmdletName", "")
        return 200, {}, {"value": self.tenant.get("exchangeAdmin", {}).get(cmdlet, [])}


class GraphHandler(FakeHandler):
    do_POST = FakeHandler.do_GET

    def serve(self) -> None:
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        body = self.read_json()
        self.fake.requests.append((self.command, self.path))
        if not parts.path.startswith("/download/") and not self.headers.get("Authorization", "").startswith("Bearer "):
            status, headers, payload = odata_error(401, "InvalidAuthenticationToken", "Access token is empty.")
        else:
            status, headers, payload = self.fake.answer(self.command, unquote(parts.path), query, body)
        if isinstance(payload, str):
            self.send(status, headers, payload.encode("utf-8"))
        else:
            self.send(status, {"Content-Type": "application/json"} | headers, json.dumps(payload).encode())


if __name__ == "__main__":
    serve_main("fake Microsoft Graph + Exchange Online admin API", GraphFake, port=8765)
