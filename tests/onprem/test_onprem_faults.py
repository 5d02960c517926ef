"""Faults between the on-premises probe and the fake Exchange / SharePoint servers, through the fault proxy:
a throttled, broken or hung server is a failed call and its version check says `error`, never `pass`; the
body of an answer is never read (only the version header), so a changed body changes nothing."""

import time

import pytest

from connectors.base import ScanContext
from connectors.onprem.collect import OnpremConnector
from connectors.onprem.config import OnpremConfig
from findings.engine import Params, evaluate
from findings.facts import derive_facts
from findings.packs import load_packs
from inventory.rows import Collection
from scanner.demo.emulators.onprem import OnpremFake
from tests.faults import HANG, FaultProxy, answer, emptied, truncated
from tests.support import SCAN_DATE, new_inventory, store

BUILDS = {"exchange": ("15.2.1748.10", "/owa/", "JENV25-EXO-VERSION"),  # Exchange 2019: fails when observed
          "sharepoint": ("16.0.0.14326", "/", "JENV25-SPS-VERSION")}     # Subscription Edition: passes when observed
ANYTHING = lambda request: True  # noqa: E731


def probed(tmp_path, kind: str, fault, context: ScanContext | None = None, **config) -> tuple[list, list[str]]:
    """The connector's rows for one endpoint behind the fault proxy, and the statuses of its version finding."""
    build, path, control = BUILDS[kind]
    with OnpremFake(kind, build) as fake, FaultProxy(fake.url) as proxy:
        if fault:
            proxy.inject(ANYTHING, fault)
        cfg = OnpremConfig(name="datacentrum", **{f"{kind}_urls": [proxy.url + path]}, **config)
        rows = list(OnpremConnector(cfg, context or ScanContext()).collect())
    engine, scan_id = new_inventory(tmp_path)
    store(engine, scan_id, rows)
    derive_facts(engine, scan_id, "classification")
    evaluate(engine, [load_packs()["jenv-aenm-2025"]], Params(scan_id=scan_id, scan_date=SCAN_DATE, profile="ministry"))
    with engine.connect() as conn:
        statuses = [s for (s,) in conn.exec_driver_sql(
            f"select status from finding where control_id = '{control}' and check_id is not null order by status")]
    return rows, statuses


def failed(rows: list) -> list[Collection]:
    return [r for r in rows if isinstance(r, Collection) and not r.ok]


@pytest.mark.parametrize("kind", BUILDS)
def test_observed_without_faults(tmp_path, kind):
    rows, statuses = probed(tmp_path, kind, None)
    assert not failed(rows) and statuses == ["fail" if kind == "exchange" else "pass"]


@pytest.mark.parametrize("kind", BUILDS)
@pytest.mark.parametrize("fault", [answer(429, b"<html>Too many requests</html>", Retry_After="100"),
                                   answer(500, b"<html>Server Error</html>"), answer(503, b"")],
                         ids=["429", "500", "503"])
def test_a_throttled_or_broken_server_is_a_failed_call_and_an_error(tmp_path, kind, fault):
    rows, statuses = probed(tmp_path, kind, fault)
    assert [c.area for c in failed(rows)] == [f"onprem.{kind}"]
    assert statuses == ["error"]


@pytest.mark.parametrize("kind", BUILDS)
def test_a_403_without_the_header_is_manual_never_pass(tmp_path, kind):
    _, statuses = probed(tmp_path, kind, answer(403, b"<html>Forbidden</html>"))
    assert statuses == ["manual"]


@pytest.mark.parametrize("kind", BUILDS)
@pytest.mark.parametrize("fault", [emptied, truncated, answer(200, b"<html>Sign in</html>")], ids=["emptied", "truncated", "html"])
def test_the_body_is_never_read(tmp_path, kind, fault):
    """emptied/truncated keep the real headers (the version is still observed); an HTML page without them is manual."""
    rows, statuses = probed(tmp_path, kind, fault)
    assert not failed(rows)
    if fault in (emptied, truncated):
        assert statuses == ["fail" if kind == "exchange" else "pass"]
    else:
        assert statuses == ["manual"]


@pytest.mark.parametrize("kind", BUILDS)
def test_a_hung_server_ends_at_the_deadline(tmp_path, kind):
    started = time.monotonic()
    rows, statuses = probed(tmp_path, kind, HANG, ScanContext(deadline=time.monotonic() + 2), timeout_seconds=60)
    assert time.monotonic() - started < 20  # the configured 60 s timeout is cut to the scan's deadline
    assert [c.area for c in failed(rows)] == [f"onprem.{kind}"] and statuses == ["error"]
