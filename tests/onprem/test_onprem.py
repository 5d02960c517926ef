"""On-premises Exchange and SharePoint: the build table, the connector against fake servers, the version checks."""

import socket
from datetime import date

import pytest

from connectors.base import ScanContext
from connectors.onprem.builds import identify
from connectors.onprem.collect import OnpremConnector
from connectors.onprem.config import OnpremConfig
from connectors.onprem.rows import OnpremEndpoint
from findings.engine import Params, run_check
from findings.facts import derive_facts
from findings.packs import load_checks
from inventory.rows import Account, Collection
from scanner.demo.emulators.onprem import OnpremFake, OnpremHandler
from tests.declared import assert_declared
from tests.support import SCAN_DATE, in_english, new_inventory, store


@pytest.mark.parametrize("kind, header, version, end", [
    ("exchange", "15.2.2562.17", "Subscription Edition", None),
    ("exchange", "15.2.2562.37", "Subscription Edition", None),
    ("exchange", "15.2.1748.10", "2019", date(2025, 10, 14)),
    ("exchange", "15.1.2507.39", "2016", date(2025, 10, 14)),
    ("sharepoint", "16.0.0.14326", "Subscription Edition", None),
    ("sharepoint", "16.0.0.10369", "2019", date(2026, 7, 14)),
    ("sharepoint", "16.0.10368.20022", "2019", date(2026, 7, 14)),
    ("sharepoint", "16.0.0.4366", "2016", date(2026, 7, 14)),
])
def test_build_table(kind, header, version, end):
    _, product = identify(kind, header)
    assert (product.version, product.end_of_support) == (version, end)


def test_unknown_build_is_not_guessed():
    assert identify("exchange", "14.3.123.4")[1] is None
    assert identify("sharepoint", "garbage") == (None, None)


def collect(tmp_path, exchange=(), sharepoint=(), **config):
    cfg = OnpremConfig(name="datacentrum", exchange_urls=list(exchange), sharepoint_urls=list(sharepoint), **config)
    rows = assert_declared("onprem", list(OnpremConnector(cfg, ScanContext()).collect()))
    engine, scan_id = new_inventory(tmp_path)
    store(engine, scan_id, rows)
    derive_facts(engine, scan_id, "classification")
    params = Params(scan_id=scan_id, scan_date=SCAN_DATE, profile="ministry")

    def check(check_id):
        return in_english(run_check(engine, load_checks()[check_id], params))
    return rows, check


@pytest.mark.parametrize("build, status", [("15.2.2562.17", "pass"), ("15.2.1748.10", "fail"), ("15.1.2507.39", "fail")])
def test_exchange_version(tmp_path, build, status):
    with OnpremFake("exchange", build) as fake:
        rows, check = collect(tmp_path, exchange=[fake.url])
    (row,) = check("onprem_exchange_version")
    assert (row["status"], row["build"]) == (status, build)
    if status == "fail":
        assert "out of support since 2025-10-14" in row["message"]
    assert [a.kind for a in rows if isinstance(a, Account)] == ["onprem-endpoint"]


def test_owa_header_only_on_logon_page_is_found_after_the_redirect(tmp_path):
    with OnpremFake("exchange", "15.2.2562.17", owa_header_on_redirect=False) as fake:
        rows, check = collect(tmp_path, exchange=[fake.url])
        assert fake.requests[-1].startswith("/owa/auth/logon.aspx")
    assert [r["status"] for r in check("onprem_exchange_version")] == ["pass"]


def test_owa_header_is_read_on_the_redirect_itself(tmp_path):
    with OnpremFake("exchange", "15.2.1748.10") as fake:
        collect(tmp_path, exchange=[fake.url])
        assert fake.requests == ["/owa/"]


@pytest.mark.parametrize("build, status", [("16.0.0.14326", "pass"), ("16.0.0.10369", "fail"), ("16.0.0.4366", "fail")])
def test_sharepoint_version_read_from_401(tmp_path, build, status):
    with OnpremFake("sharepoint", build) as fake:
        rows, check = collect(tmp_path, sharepoint=[fake.url])
    (endpoint,) = [r for r in rows if isinstance(r, OnpremEndpoint)]
    assert endpoint.status_code == 401
    (row,) = check("onprem_sharepoint_version")
    assert row["status"] == status


def test_missing_header_is_manual(tmp_path):
    with OnpremFake("sharepoint", None) as fake:
        _, check = collect(tmp_path, sharepoint=[fake.url])
    (row,) = check("onprem_sharepoint_version")
    assert row["status"] == "manual" and "(Get-SPFarm).BuildVersion" in row["message"]


def test_unreachable_endpoint_is_a_recorded_error(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    rows, check = collect(tmp_path, exchange=[f"http://127.0.0.1:{port}/owa/"], timeout_seconds=2)
    (record,) = [r for r in rows if isinstance(r, Collection)]
    assert (record.ok, record.area) == (False, "onprem.exchange") and "Connect" in record.error
    assert check("onprem_exchange_version") == []


def test_plain_http_refused_for_remote_hosts():
    """Refused when the config is read (tests/test_config.py), and again by the connector itself."""
    cfg = OnpremConfig.model_construct(name="datacentrum", sharepoint_urls=["http://sharepoint.jenv.example.nl/"])
    rows = list(OnpremConnector(cfg, ScanContext()).collect())
    (record,) = [r for r in rows if isinstance(r, Collection)]
    assert not record.ok and "loopback" in record.error and record.area == "onprem.sharepoint"


class Recording(OnpremHandler):
    """The fake's handler, also noting each request's method, path and header names (any method is answered)."""

    do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = OnpremHandler.do_GET

    def serve(self) -> None:
        self.fake.seen.append((self.command, self.path, {name.lower() for name in self.headers}))
        super().serve()


def recording(fake: OnpremFake) -> OnpremFake:
    fake.seen = []
    fake.server.RequestHandlerClass = Recording
    return fake


def test_only_anonymous_gets_of_the_configured_urls(tmp_path):
    """The connector's permission: none. It sends no credentials and only GETs the URLs (and same-host redirects)."""
    with (recording(OnpremFake("exchange", "15.2.2562.17", owa_header_on_redirect=False)) as exchange,
          recording(OnpremFake("sharepoint", "16.0.0.14326")) as sharepoint):
        rows, _ = collect(tmp_path, exchange=[exchange.url], sharepoint=[sharepoint.url])
    assert [path for _, path, _ in exchange.seen] == ["/owa/", "/owa/auth/logon.aspx?replaceCurrent=1&url=%2fowa%2f"]
    assert [path for _, path, _ in sharepoint.seen] == ["/"]
    for method, _, headers in exchange.seen + sharepoint.seen:
        assert method == "GET"
        assert not headers & {"authorization", "proxy-authorization", "cookie"}
    assert all(c.ok for c in rows if isinstance(c, Collection))
