"""Faults between the Azure SDK and the fake ARM / Resource Graph: bounded time, no empty answer read as "none"."""

import time

import pytest
from azure_support import TOKEN_ENV, ArmFake, golden

from connectors.azure.collect import AzureConnector
from connectors.azure.config import AzureConfig
from connectors.base import ScanContext
from inventory.rows import Collection, Resource
from tests.faults import HANG, FaultProxy, answer, emptied


def scan(monkeypatch, faults, context: ScanContext | None = None) -> list:
    monkeypatch.setenv(TOKEN_ENV, "fake-bearer-token")
    estate = golden()
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
