"""A fake Cloud Asset Inventory v1 + Org Policy v2 REST server for tests and the demo.

Speaks the wire format the google-cloud-asset / google-cloud-org-policy REST transports use:

- ``GET /v1/{scope}:searchAllResources`` (``scope`` = organizations/N, folders/N, projects/ID|N;
  ``assetTypes`` repeated, ``query`` with ``name:`` / ``state:`` field terms, ``pageSize`` <= 500,
  ``pageToken``) -> ``{"results": [...], "nextPageToken": ...}``;
- ``GET /v1/{parent}/assets`` (``contentType`` as an integer enum, 1 = RESOURCE; page size <= 1000)
  -> ``{"assets": [...], "readTime": ..., "nextPageToken": ...}``;
- ``GET /v2/{projects|folders|organizations}/X/policies/C:getEffectivePolicy`` -> a Policy.

Every request carries ``$alt=json;enum-encoding=int``. Errors use the Google error body
(``{"error": {"code", "message", "status"}}``); 429 comes with ``Retry-After``.

The estate is camelCase JSON as the API returns it::

    {"searchResults": [ResourceSearchResult, ...],   # include one cloudresourcemanager Project per project
     "assets": [Asset, ...],                          # with "ancestors": ["projects/NUMBER", ...]
     "effectivePolicies": {"projects/ID": Policy}}

Standalone (for the demo): ``python -m scanner.demo.emulators.cloudasset scanner/demo/gcp_estate.json --port 8766``.
"""

import re
import threading
from collections import Counter
from urllib.parse import parse_qs, urlsplit

from scanner.demo.emulators.server import FakeHandler, FakeServer, serve_main

PROJECT_TYPE = "cloudresourcemanager.googleapis.com/Project"
SEARCH = re.compile(r"^/v1/((?:organizations|folders|projects)/[^/:]+):searchAllResources$")
LIST = re.compile(r"^/v1/((?:organizations|folders|projects)/[^/:]+)/assets$")
POLICY = re.compile(r"^/v2/((?:organizations|folders|projects)/[^/]+)/policies/([^/:]+):getEffectivePolicy$")
STATUS = {400: "INVALID_ARGUMENT", 403: "PERMISSION_DENIED", 404: "NOT_FOUND", 429: "RESOURCE_EXHAUSTED"}


class ApiError(Exception):
    def __init__(self, code: int, message: str):
        super().__init__(message)
        self.code = code


class FakeCloudAsset(FakeServer):
    """The estate plus the knobs tests turn: page size, 403s, 429s. Records every request.

    Use as a context manager or start()/stop().
    """

    def __init__(self, estate: dict, port: int = 0, *, max_page_size: int = 500, retry_after: int = 1):
        self.estate = estate
        self.max_page_size = max_page_size
        self.retry_after = retry_after
        self.forbidden: set[str] = set()  # scopes/parents ("projects/p1", "organizations/1") that answer 403
        self.throttle: Counter = Counter()  # (kind, pageToken) -> number of 429s still to send
        self.requests: list[tuple[str, str, dict]] = []  # (kind, path, query params)
        self.authorizations: set[str] = set()  # Authorization headers seen
        self._lock = threading.Lock()
        super().__init__(CloudAssetHandler, port)

    # -- lookups -----------------------------------------------------------------------------
    def _projects(self) -> list[dict]:
        return [r for r in self.estate.get("searchResults", []) if r.get("assetType") == PROJECT_TYPE]

    def _project_number(self, ref: str) -> str | None:
        """projects/ID or projects/NUMBER -> NUMBER (None when unknown)."""
        wanted = ref.split("/", 1)[1]
        if wanted.isdigit():
            return wanted
        for p in self._projects():
            number = p["project"].split("/", 1)[1]
            if wanted in (number, p.get("additionalAttributes", {}).get("projectId")):
                return number
        return None

    def _in_scope(self, scope: str, project: str | None, folders: list[str], organization: str | None) -> bool:
        if scope.startswith("projects/"):
            number = self._project_number(scope)
            return number is not None and project == f"projects/{number}"
        if scope.startswith("folders/"):
            return scope in folders
        return scope == organization

    # -- operations --------------------------------------------------------------------------
    def answer(self, path: str, params: dict[str, list[str]], authorization: str = "") -> dict:
        """Route one GET; raises ApiError for an error response."""
        if params.get("$alt") != ["json;enum-encoding=int"]:
            raise ApiError(400, "expected $alt=json;enum-encoding=int")
        kind, match = next(((k, m) for k, pattern in (("search", SEARCH), ("list", LIST), ("policy", POLICY))
                            if (m := pattern.match(path))), (None, None))
        if match is None:
            raise ApiError(404, f"no such method: {path}")
        with self._lock:
            self.requests.append((kind, path, params))
            self.authorizations.add(authorization)
            token = params.get("pageToken", [""])[0]
            if self.throttle[(kind, token)] > 0:
                self.throttle[(kind, token)] -= 1
                raise ApiError(429, "Quota exceeded for quota metric 'Requests' (fake)")
        target = match.group(1)
        if target in self.forbidden or (target.startswith("projects/") and
                                        f"projects/{self._project_number(target)}" in self.forbidden):
            raise ApiError(403, f"The caller does not have permission on {target} (fake)")
        if kind == "search":
            return self._search(target, params)
        if kind == "list":
            return self._list(target, params)
        return self._policy(target, match.group(2))

    def _search(self, scope: str, params: dict) -> dict:
        types = params.get("assetTypes", [])
        terms = _query_terms(params.get("query", [""])[0])
        rows = [r for r in self.estate.get("searchResults", [])
                if self._in_scope(scope, r.get("project"), r.get("folders", []), r.get("organization"))
                and (not types or r["assetType"] in types)
                and all(value.lower() in str(r.get(field, "")).lower() for field, value in terms)]
        return self._page(rows, "results", params, self.max_page_size)

    def _list(self, parent: str, params: dict) -> dict:
        if params.get("contentType") != ["1"]:
            raise ApiError(400, "this fake serves contentType=1 (RESOURCE) only")
        types = params.get("assetTypes", [])
        if parent.startswith("projects/"):
            wanted = f"projects/{self._project_number(parent)}"
        else:
            wanted = parent
        rows = [a for a in self.estate.get("assets", [])
                if wanted in a.get("ancestors", []) and (not types or a["assetType"] in types)]
        answer = self._page(rows, "assets", params, min(self.max_page_size * 2, 1000))
        answer["readTime"] = "2026-01-01T00:00:00Z"
        return answer

    def _policy(self, node: str, constraint: str) -> dict:
        if constraint != "gcp.resourceLocations":
            raise ApiError(404, f"constraint {constraint} not served by this fake")
        policies = self.estate.get("effectivePolicies", {})
        number = self._project_number(node) if node.startswith("projects/") else None
        policy = policies.get(node) or (number and policies.get(f"projects/{number}"))
        return policy or {"name": f"{node}/policies/{constraint}", "spec": {}}

    @staticmethod
    def _page(rows: list, key: str, params: dict, cap: int) -> dict:
        size = int(params.get("pageSize", ["0"])[0] or 0)
        size = min(size, cap) if size > 0 else cap
        token = params.get("pageToken", [""])[0]
        if token and not token.startswith("offset-"):
            raise ApiError(400, "invalid page token")
        start = int(token.removeprefix("offset-")) if token else 0
        answer = {key: rows[start:start + size]}
        if start + size < len(rows):
            answer["nextPageToken"] = f"offset-{start + size}"
        return answer


def _query_terms(query: str) -> list[tuple[str, str]]:
    """``name:x state:ENABLED`` -> [(name, x), (state, ENABLED)]; other syntax is refused."""
    terms = []
    for term in query.split():
        field, sep, value = term.partition(":")
        if not sep or field not in ("name", "state"):
            raise ApiError(400, f"this fake supports only name:/state: query terms, not {term!r}")
        terms.append((field, value))
    return terms


class CloudAssetHandler(FakeHandler):
    json_type = "application/json; charset=UTF-8"

    def serve(self) -> None:
        url = urlsplit(self.path)
        try:
            self.send_json(200, self.fake.answer(url.path, parse_qs(url.query), self.headers.get("Authorization", "")))
        except ApiError as exc:
            extra = {"Retry-After": str(self.fake.retry_after)} if exc.code == 429 else {}
            self.send_json(exc.code, {"error": {"code": exc.code, "message": str(exc), "status": STATUS[exc.code]}}, extra)


if __name__ == "__main__":
    serve_main("fake Cloud Asset + Org Policy API", FakeCloudAsset, port=8766)
