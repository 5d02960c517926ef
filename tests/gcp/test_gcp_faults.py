"""Faults between google-cloud-asset and the fake Cloud Asset, through the fault proxy: every fault is a failed
call for the right project or the whole scope (never "no resources"), time stays bounded by the deadline, and
the findings that depend on the failed call are `error`, never `pass`."""

import re
import time

import pytest

from connectors.base import ScanContext
from connectors.gcp.collect import GcpConnector
from connectors.gcp.config import GcpConfig
from findings.engine import Params, evaluate
from findings.facts import derive_facts
from findings.packs import load_packs
from inventory.rows import Collection, Resource
from scanner.demo.emulators.cloudasset import FakeCloudAsset
from tests.faults import HANG, FaultProxy, answer, assert_nothing_observed, emptied, refused_url, truncated
from tests.gcp.gcp_estate import ORG, PROJECTS, golden_estate, search_result
from tests.inflight import InFlight
from tests.support import SCAN_DATE, new_inventory, store

TOKEN_ENV = "WOLKENWACHT_TEST_GCP_TOKEN"
SEARCH = r"/v1/organizations/100:searchAllResources"
DATA = PROJECTS["ministerie-data"]


def on(pattern: str, query: str = ""):
    return lambda request: re.search(pattern, request.path.partition("?")[0]) is not None and query in request.path


def scan(monkeypatch, faults, context: ScanContext | None = None, extra_buckets: int = 0) -> list:
    monkeypatch.setenv(TOKEN_ENV, "test-token")
    estate = golden_estate()
    estate["searchResults"] += [search_result("ministerie-apps", f"//storage.googleapis.com/bulk-{i:04d}",
                                              "storage.googleapis.com/Bucket", "europe-west4") for i in range(extra_buckets)]
    with FakeCloudAsset(estate) as fake, FaultProxy(fake.url) as proxy:
        for match, fault in faults:
            proxy.inject(match, fault)
        config = GcpConfig(name="gcp-test", scope=ORG, credential="token", token_env=TOKEN_ENV,
                           asset_endpoint=proxy.url, orgpolicy_endpoint=proxy.url)
        return list(GcpConnector(config, context or ScanContext(deadline=time.monotonic() + 20, timeouts=(2, 2)),
                                 retry_initial=0.01).collect())


def failed(rows: list) -> list[Collection]:
    return [r for r in rows if isinstance(r, Collection) and not r.ok]


def judged(tmp_path, rows: list) -> list[tuple]:
    """(control, account, resource uid, status) of every gcp finding after the packs judged the rows."""
    engine, scan_id = new_inventory(tmp_path)
    store(engine, scan_id, rows)
    derive_facts(engine, scan_id, "classification")
    evaluate(engine, list(load_packs().values()), Params(scan_id=scan_id, scan_date=SCAN_DATE, profile="ministry"))
    with engine.connect() as conn:
        return [tuple(r) for r in conn.exec_driver_sql(
            "select f.control_id, f.account_id, r.uid, f.status from finding f left join resource r on r.id = f.resource_id"
            " where f.provider = 'gcp' and f.check_id is not null")]


def assert_inventory_error(tmp_path, rows: list) -> None:
    """No gcp finding of an inventory check says pass at account level; each says error somewhere."""
    findings = judged(tmp_path, rows)
    for control in ("RBC26-EEA", "RBC26-ENCRYPT", "RBC22-CHARACTERISTICS"):
        account_level = [status for c, _, uid, status in findings if c == control and uid is None]
        assert "error" in account_level and "pass" not in account_level, (control, account_level)


THROTTLED = answer(429, {"error": {"code": 429, "message": "Quota exceeded", "status": "RESOURCE_EXHAUSTED"}}, Retry_After="1")
UNAVAILABLE = answer(503, {"error": {"code": 503, "message": "backend unavailable", "status": "UNAVAILABLE"}})
FORBIDDEN = answer(403, {"error": {"code": 403, "message": "denied (injected)", "status": "PERMISSION_DENIED"}})


@pytest.mark.parametrize("fault", [THROTTLED, UNAVAILABLE, answer(500, b"<html>Internal error</html>")],
                         ids=["429-storm", "503", "500-html"])
def test_a_storm_on_the_listing_ends_at_the_deadline_as_a_failed_call(monkeypatch, tmp_path, fault):
    started = time.monotonic()
    rows = scan(monkeypatch, [(on(SEARCH), fault)], ScanContext(deadline=time.monotonic() + 4, timeouts=(2, 2)))
    assert time.monotonic() - started < 30
    assert {c.area for c in failed(rows)} >= {"accounts", "inventory"}
    assert not [r for r in rows if isinstance(r, Resource)]
    assert_inventory_error(tmp_path, rows)


def test_a_429_storm_mid_paging_discards_the_whole_listing(monkeypatch, tmp_path):
    rows = scan(monkeypatch, [(on(SEARCH, "pageToken=offset-500"), THROTTLED)],
                ScanContext(deadline=time.monotonic() + 4, timeouts=(2, 2)), extra_buckets=600)
    assert "inventory" in {c.area for c in failed(rows)}
    assert not [r for r in rows if isinstance(r, Resource) and "/bulk-" in r.uid]
    assert_inventory_error(tmp_path, rows)


@pytest.mark.parametrize("fault", [emptied, truncated, answer(200, b"<html>Sign in</html>")], ids=["emptied", "truncated", "html"])
def test_a_broken_answer_is_a_failed_call_not_no_resources(monkeypatch, tmp_path, fault):
    rows = scan(monkeypatch, [(on(SEARCH), fault)])
    assert "inventory" in {c.area for c in failed(rows)}
    assert_inventory_error(tmp_path, rows)


def test_a_403_on_one_projects_assets_is_that_projects_error(monkeypatch, tmp_path):
    rows = scan(monkeypatch, [(on(rf"/v1/projects/(ministerie-data|{DATA})/assets"), FORBIDDEN)])
    assert {(c.call, c.account_id) for c in failed(rows)} == {("cloudasset:ListAssets", "ministerie-data")}
    findings = judged(tmp_path, rows)
    assert ("RBC26-ENCRYPT", "ministerie-data", None, "error") in findings
    assert ("RBC26-ENCRYPT", "ministerie-apps", None, "error") not in findings


def test_a_hung_cloud_asset_ends_at_the_deadline(monkeypatch, tmp_path):
    started = time.monotonic()
    rows = scan(monkeypatch, [(on(SEARCH), HANG)], ScanContext(deadline=time.monotonic() + 3, timeouts=(1, 1)))
    assert time.monotonic() - started < 30
    assert "inventory" in {c.area for c in failed(rows)}
    assert_inventory_error(tmp_path, rows)


def test_a_refused_connection_is_a_failed_call_and_never_a_pass(monkeypatch, tmp_path):
    monkeypatch.setenv(TOKEN_ENV, "test-token")
    closed = refused_url()
    config = GcpConfig(name="gcp-test", scope=ORG, credential="token", token_env=TOKEN_ENV,
                       asset_endpoint=closed, orgpolicy_endpoint=closed)
    started = time.monotonic()
    rows = list(GcpConnector(config, ScanContext(deadline=time.monotonic() + 20, timeouts=(2, 2)), retry_initial=0.01).collect())
    assert_nothing_observed(rows)
    assert time.monotonic() - started < 30
    assert "pass" not in {status for *_, status in judged(tmp_path, rows)}


def test_asset_lists_and_location_policies_are_read_at_the_same_time(monkeypatch):
    """One call at a time per service; the per-project listAssets and getEffectivePolicy still overlap, and the
    rows are those of a scan without delays."""
    gauge = InFlight(0.1)
    per_project = on(r"^/v1/projects/[^/]+/assets$"), on(r":getEffectivePolicy$")
    limits = ScanContext(deadline=time.monotonic() + 20, timeouts=(2, 2), concurrency={"cloudasset": 1, "orgpolicy": 1})
    rows = scan(monkeypatch, [(lambda request: any(match(request) for match in per_project), gauge)], limits)
    assert gauge.calls == 2 * len(PROJECTS)
    assert gauge.most == 2, "a location policy was read while an asset list was (one of each at a time)"
    assert [repr(r) for r in rows] == [repr(r) for r in scan(monkeypatch, [])]
