"""Fixtures for the M365 tests: scan a tenant served by the fake Graph through the real msgraph-sdk.

``scan(tenant, approved_teams=(), approved_mailboxes=())`` starts the fake on a free port, runs
:class:`M365Connector` with the documented config (``token`` credential, ``graph_endpoint`` and
``exchange_endpoint`` on 127.0.0.1), stores the rows plus the register entries in a fresh
inventory and returns a :class:`Scanned` to query rows and run checks.
"""

from dataclasses import dataclass

import pytest

from connectors.base import ScanContext
from connectors.m365.collect import M365Connector
from connectors.m365.config import M365Config
from findings.engine import Params, run_check
from findings.facts import derive_facts
from findings.packs import load_checks
from inventory.rows import Collection, RegisterMailbox, RegisterTeam
from scanner.demo.emulators.graph import GraphFake
from tests.declared import assert_declared
from tests.faults import FaultProxy
from tests.m365.tenants import TENANT
from tests.support import SCAN_DATE, in_english, new_inventory, store

TOKEN_ENV = "WOLKENWACHT_TEST_GRAPH_TOKEN"


@dataclass
class Scanned:
    rows: list
    engine: object
    scan_id: int
    requests: list

    def of(self, table) -> list:
        return [r for r in self.rows if isinstance(r, table)]

    def one(self, table):
        (row,) = self.of(table)
        return row

    def failed(self) -> dict[str, Collection]:
        """The first failed row per call: its own area (a resource listing is recorded again under 'inventory')."""
        return {c.call: c for c in reversed(self.of(Collection)) if not c.ok}

    def check(self, check_id: str) -> list[dict]:
        params = Params(scan_id=self.scan_id, scan_date=SCAN_DATE, profile="ministry")
        return in_english(run_check(self.engine, load_checks()[check_id], params))

    def statuses(self, check_id: str) -> list[str]:
        return sorted(r["status"] for r in self.check(check_id))


@pytest.fixture
def scan(tmp_path, monkeypatch):
    monkeypatch.setenv(TOKEN_ENV, "test-token")
    counter = iter(range(1000))

    def run(tenant: dict, approved_teams=(), approved_mailboxes=(), context: ScanContext | None = None,
            faults=(), **config) -> Scanned:
        with GraphFake(tenant) as fake, FaultProxy(fake.url) as proxy:  # faults: (match, fault) pairs, tests/faults.py
            for match, fault in faults:
                proxy.inject(match, fault)
            cfg = M365Config(name="jenv", tenant_id=TENANT, credential="token", token_env=TOKEN_ENV,
                             graph_endpoint=proxy.url, exchange_endpoint=proxy.url, **config)
            rows = assert_declared("m365", list(M365Connector(cfg, context or ScanContext(), max_retry_wait=0.2).collect()))
        folder = tmp_path / str(next(counter))
        folder.mkdir()
        engine, scan_id = new_inventory(folder)
        register = [RegisterTeam(tenant_id=TENANT, team_id=t, reason="approved exception") for t in approved_teams]
        register += [RegisterMailbox(tenant_id=TENANT, address=a) for a in approved_mailboxes]
        store(engine, scan_id, rows + register)
        derive_facts(engine, scan_id, "classification")
        return Scanned(rows, engine, scan_id, fake.requests)

    return run
