"""Faults between the Azure SDK and the fake ARM / Resource Graph: bounded time, no empty answer read as "none"."""

import time

import pytest
from azure_support import TOKEN_ENV, ArmFake, golden

from connectors.azure.collect import AzureConnector
from connectors.azure.config import AzureConfig
from connectors.base import ScanContext
from inventory.rows import Collection, Resource
from tests.faults import HANG, FaultProxy, answer, assert_nothing_observed, emptied, refused_url, truncated, without


def scan(monkeypatch, faults, context: ScanContext | None = None, **changes) -> list:
    monkeypatch.setenv(TOKEN_ENV, "fake-bearer-token")
    estate = golden() | changes
    with ArmFake(estate) as fake, FaultProxy(fake.url) as proxy:
        for match, fault in faults:
            proxy.inject(match, fault)
        cfg = AzureConfig(name="bz-azure", tenant_id=estate["tenant_id"], credential="token", token_env=TOKEN_ENV,
                          arm_endpoint=proxy.url)
        return list(AzureConnector(cfg, context or ScanContext(max_workers=4)).collect())


def graph(request) -> bool:
    return "Microsoft.ResourceGraph/resources" in request.path


def failed(rows: list) -> list[Collection]:
    return [r for r in rows if isinstance(r, Collection) and not r.ok]


@pytest.mark.parametrize("fault", [emptied, answer(200, {"totalRecords": 0, "count": 0})])
def test_empty_resource_graph_answer_is_a_failed_call(monkeypatch, fault):
    rows = scan(monkeypatch, [(graph, fault)])
    assert "no 'data' list" in " ".join(r.error for r in failed(rows))
    assert not [r for r in rows if isinstance(r, Resource) and "resourcegroups" not in r.type]


def arm_list(path: str, page: int | None = None):
    """GET requests of an ARM list whose path ends in ``path``; with ``page``, only the page starting at that $skiptoken."""
    def match(request) -> bool:
        route, _, query = request.path.partition("?")
        return (request.method == "GET" and route.lower().endswith(path)
                and (page is None or f"skiptoken={page}" in query))
    return match


@pytest.mark.parametrize("route, call", [
    (arm_list("/subscriptions"), "resources:ListSubscriptions"),
    (arm_list("/resources"), "resources:ListResources"),
    (arm_list("/resources", page=1), "resources:ListResources"),  # mid-paging: the second page (one item a page)
    (arm_list("/policyassignments"), "authorization:ListPolicyAssignments")])
@pytest.mark.parametrize("fault", [without("value"), answer(200, {}), emptied, truncated, answer(200, b"<html>Sign in</html>")],
                         ids=["no-value", "empty-object", "emptied", "truncated", "html"])
def test_arm_list_page_without_value_is_a_failed_call(monkeypatch, route, call, fault):
    rows = scan(monkeypatch, [(route, fault)], page_size=1)
    assert call in {r.call for r in failed(rows)}, [(r.call, r.error) for r in failed(rows)]


def test_hung_arm_ends_at_the_deadline(monkeypatch):
    started = time.monotonic()
    rows = scan(monkeypatch, [(graph, HANG)], ScanContext(deadline=time.monotonic() + 3, timeouts=(2, 2)))
    assert time.monotonic() - started < 60  # azure-core alone: 300 s read timeout x 4 attempts
    assert failed(rows)


def test_retry_after_beyond_the_deadline_is_not_waited_for(monkeypatch):
    throttled = answer(429, {"error": {"code": "TooManyRequests", "message": "slow down"}}, Retry_After="100")
    started = time.monotonic()
    rows = scan(monkeypatch, [(graph, throttled)], ScanContext(deadline=time.monotonic() + 30))
    assert time.monotonic() - started < 60  # azure-core alone waits Retry-After (100 s) up to 10 times
    assert any("429" in (r.error or "") for r in failed(rows))


STORMS = {"429": answer(429, {"error": {"code": "TooManyRequests", "message": "slow down"}}, Retry_After="1"),
          "503": answer(503, {"error": {"code": "ServiceUnavailable", "message": "try later"}}),
          "500-html": answer(500, b"<html>Internal Server Error</html>")}


@pytest.mark.parametrize("storm", STORMS)
@pytest.mark.parametrize("page", [None, 1], ids=["first", "later"])
def test_a_storm_on_the_resource_list_ends_at_the_deadline_as_a_failed_call(monkeypatch, storm, page):
    """Every answer of the subscription's resource list is the fault (or every page after the first), until the deadline."""
    started = time.monotonic()
    rows = scan(monkeypatch, [(arm_list("/resources", page), STORMS[storm])],
                ScanContext(max_workers=4, deadline=time.monotonic() + 4, timeouts=(2, 2)), page_size=1)
    assert time.monotonic() - started < 60
    assert "resources:ListResources" in {r.call for r in failed(rows)}
    assert not [r for r in rows if isinstance(r, Collection) and r.call == "resources:ListResources" and r.ok
                and r.item_count], "a listing with a failed page is never read (an empty subscription has one page)"


def test_a_refused_connection_is_a_failed_call(monkeypatch):
    monkeypatch.setenv(TOKEN_ENV, "fake-bearer-token")
    cfg = AzureConfig(name="bz-azure", tenant_id=golden()["tenant_id"], credential="token", token_env=TOKEN_ENV,
                      arm_endpoint=refused_url())
    started = time.monotonic()
    rows = list(AzureConnector(cfg, ScanContext(deadline=time.monotonic() + 20, timeouts=(2, 2))).collect())
    assert_nothing_observed(rows)
    assert time.monotonic() - started < 30
