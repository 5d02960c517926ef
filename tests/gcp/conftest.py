"""Fixtures for the GCP connector tests: the fake Cloud Asset + Org Policy server and a scan helper.

Tests change one field of ``estate`` (the dict the running fake serves, built by
tests/gcp/gcp_estate.py) and run ``scan()``, which drives the real google-cloud-asset /
google-cloud-org-policy clients over HTTP with the documented config (``token`` credential,
``asset_endpoint`` / ``orgpolicy_endpoint`` on 127.0.0.1).
"""

from dataclasses import dataclass

import pytest

from connectors.base import ScanContext
from connectors.gcp.collect import GcpConnector
from connectors.gcp.config import GcpConfig
from inventory.rows import Account, Collection, Resource, SecurityService, Setting
from scanner.demo.emulators.cloudasset import FakeCloudAsset
from tests.declared import assert_declared
from tests.gcp.gcp_estate import ORG, golden_estate

TOKEN_ENV = "WOLKENWACHT_TEST_GCP_TOKEN"


@dataclass
class Rows:
    rows: list

    def of(self, kind: type) -> list:
        return [r for r in self.rows if isinstance(r, kind)]

    def resource(self, suffix: str) -> Resource:
        (match,) = [r for r in self.of(Resource) if r.uid.endswith(suffix)]
        return match

    def collections(self, **where) -> list[Collection]:
        return [c for c in self.of(Collection) if all(getattr(c, k) == v for k, v in where.items())]

    def accounts(self) -> dict[str, Account]:
        return {a.account_id: a for a in self.of(Account)}

    def settings(self) -> dict[str, Setting]:
        return {s.account_id: s for s in self.of(Setting)}

    def security(self) -> dict[str, SecurityService]:
        return {s.account_id: s for s in self.of(SecurityService)}


@pytest.fixture
def estate() -> dict:
    return golden_estate()


@pytest.fixture
def fake(estate):
    with FakeCloudAsset(estate) as server:
        yield server


@pytest.fixture
def config(fake, monkeypatch):
    monkeypatch.setenv(TOKEN_ENV, "test-token")

    def build(scope: str = ORG) -> GcpConfig:
        return GcpConfig(name="gcp-test", scope=scope, credential="token", token_env=TOKEN_ENV,
                         asset_endpoint=fake.url, orgpolicy_endpoint=fake.url)
    return build


@pytest.fixture
def scan(config):
    def run(scope: str = ORG, context: ScanContext | None = None) -> Rows:
        connector = GcpConnector(config(scope), context or ScanContext(), retry_initial=0.01)
        return Rows(assert_declared("gcp", list(connector.collect())))
    return run
