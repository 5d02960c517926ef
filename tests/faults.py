"""A fault-injecting HTTP proxy for connector tests: put it between an SDK and moto or a fake server.

``FaultProxy(upstream).start()`` forwards every request to ``upstream`` unchanged, except those a
rule matches: ``proxy.inject(match, fault)`` with ``match(request) -> bool`` and a fault that
answers instead (:func:`answer`), changes the real answer (:func:`truncated`, :func:`emptied`, :func:`without`), only the first few times
(:class:`First`) or
never answers (:data:`HANG`, released when the proxy stops). ``proxy.hits`` counts the faults served.
Links to the upstream in answers (absolute ``nextLink`` URLs, ``Location``) are rewritten to the proxy, so later pages pass it too.
"""

import http.client
import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from itertools import pairwise
from typing import Self
from urllib.parse import parse_qs, urlsplit

from inventory.rows import Collection, Resource
from scanner.demo.emulators.server import FakeServer

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding"}


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def target(self) -> str:
        """The AWS operation: ``X-Amz-Target`` (JSON protocols) or the form's ``Action`` (query protocols)."""
        if "x-amz-target" in self.headers:
            return self.headers["x-amz-target"]
        return parse_qs(self.body.decode("utf-8", "replace")).get("Action", [""])[0]


@dataclass
class Answer:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


Upstream = Callable[[], Answer]  # forwards the request and returns the real answer
Fault = Callable[[Request, Upstream], Answer | None]  # None = hang


def answer(status: int, body: bytes | dict = b"", **headers: str) -> Fault:
    """Answer ``status`` with ``body`` (a dict as JSON) instead of forwarding."""
    data = json.dumps(body).encode() if isinstance(body, dict) else body
    content_type = "application/json" if isinstance(body, dict) else "text/html"
    return lambda request, upstream: Answer(status, {"Content-Type": content_type, **{
        name.replace("_", "-"): value for name, value in headers.items()}}, data)


def truncated(request: Request, upstream: Upstream) -> Answer:
    """The real answer, cut off halfway."""
    real = upstream()
    return Answer(real.status, real.headers, real.body[: len(real.body) // 2])


def emptied(request: Request, upstream: Upstream) -> Answer:
    """The real status and headers with an empty body."""
    real = upstream()
    return Answer(real.status, real.headers, b"")


def without(key: str) -> Fault:
    """The real JSON answer without ``key`` (e.g. a list page without its ``value``)."""
    def fault(request: Request, upstream: Upstream) -> Answer:
        real = upstream()
        body = json.loads(real.body)
        body.pop(key, None)
        return Answer(real.status, real.headers, json.dumps(body).encode())
    return fault


class First:
    """``fault`` for the first ``count`` requests it matches, then the real answer; ``at`` holds when each came."""

    def __init__(self, count: int, fault: Fault):
        self.count, self.fault, self.at = count, fault, []
        self._lock = threading.Lock()

    def __call__(self, request: Request, upstream: Upstream) -> Answer | None:
        with self._lock:
            self.at.append(time.monotonic())
            served = len(self.at)
        return self.fault(request, upstream) if served <= self.count else upstream()

    def gaps(self) -> list[float]:
        """Seconds between consecutive requests."""
        return [b - a for a, b in pairwise(self.at)]


def refused_url() -> str:
    """An http URL on loopback where nothing listens: a connection to it is refused."""
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def assert_nothing_observed(rows: list) -> list[Collection]:
    """Every call a connector made failed and it reported no resource (what a refused connection must give);
    returns the failed calls."""
    calls = [r for r in rows if isinstance(r, Collection)]
    assert calls and not any(c.ok for c in calls) and not any(isinstance(r, Resource) for r in rows)
    return calls


def HANG(request: Request, upstream: Upstream) -> None:
    return None


def forbidden(code: str = "Authorization_RequestDenied") -> Fault:
    """403 with a Microsoft-style JSON error body."""
    return answer(403, {"error": {"code": code, "message": "Insufficient privileges (injected)"}})


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _serve(self) -> None:
        proxy: FaultProxy = self.server.proxy
        length = int(self.headers.get("Content-Length") or 0)
        request = Request(self.command, self.path, {k.lower(): v for k, v in self.headers.items()},
                          self.rfile.read(length) if length else b"")
        fault = proxy.fault_for(request)
        result = fault(request, lambda: proxy.forward(request)) if fault else proxy.forward(request)
        if result is None:
            proxy.stopping.wait(600)
            self.close_connection = True
            return
        self.send_response(result.status)
        for name, value in result.headers.items():
            if name.lower() not in HOP_BY_HOP:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(result.body)))
        self.end_headers()
        self.wfile.write(result.body)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _serve

    def log_message(self, *args) -> None:
        pass


class FaultProxy(FakeServer):
    """A reverse proxy on 127.0.0.1 in front of ``upstream`` (``http://host:port``)."""

    def __init__(self, upstream: str):
        super().__init__(_Handler)
        parts = urlsplit(upstream)
        self.upstream = (parts.hostname, parts.port)
        self.server.daemon_threads = True
        self.server.proxy = self
        self.rules: list[tuple[Callable[[Request], bool], Fault]] = []
        self.hits = 0
        self.stopping = threading.Event()
        self._lock = threading.Lock()

    def inject(self, match: Callable[[Request], bool], fault: Fault) -> Self:
        self.rules.append((match, fault))
        return self

    def fault_for(self, request: Request) -> Fault | None:
        for match, fault in self.rules:
            if match(request):
                with self._lock:
                    self.hits += 1
                return fault
        return None

    def forward(self, request: Request) -> Answer:
        connection = http.client.HTTPConnection(*self.upstream, timeout=60)
        try:
            headers = {k: v for k, v in request.headers.items() if k not in HOP_BY_HOP} | {"accept-encoding": "identity"}
            connection.request(request.method, request.path, body=request.body or None, headers=headers)
            real = connection.getresponse()
            upstream = f"http://{self.upstream[0]}:{self.upstream[1]}"
            headers = {name: value.replace(upstream, self.url) for name, value in real.getheaders()}
            return Answer(real.status, headers, real.read().replace(upstream.encode(), self.url.encode()))
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopping.set()  # a hanging answer ends now
        super().stop()
