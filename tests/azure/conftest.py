"""Fixtures for the Azure connector tests (helpers in azure_support.py)."""

import pytest
from azure_support import TOKEN_ENV, ArmFake, Scan, golden

from connectors.azure.collect import AzureConnector
from connectors.azure.config import AzureConfig
from connectors.base import ScanContext
from tests.declared import assert_declared


@pytest.fixture
def estate() -> dict:
    """A fresh copy of the golden estate, free to mutate."""
    return golden()


@pytest.fixture
def scan(monkeypatch):
    """scan(estate, pipeline={...}, **config) -> Scan, through the real SDK clients over HTTP.

    ``pipeline`` goes to the connector's SDK clients (e.g. ``retry_total=0``); ``config`` to AzureConfig.
    """
    monkeypatch.setenv(TOKEN_ENV, "fake-bearer-token")
    fakes = []

    def run(estate: dict, pipeline: dict | None = None, **config) -> Scan:
        fake = ArmFake(estate).start()
        fakes.append(fake)
        cfg = AzureConfig(name="bz-azure", tenant_id=estate["tenant_id"], credential="token", token_env=TOKEN_ENV,
                          arm_endpoint=fake.url, **config)
        rows = list(AzureConnector(cfg, ScanContext(max_workers=4), **(pipeline or {})).collect())
        return Scan(fake, assert_declared("azure", rows))

    yield run
    for fake in fakes:
        fake.stop()
