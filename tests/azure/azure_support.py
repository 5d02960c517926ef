"""Helpers for the Azure connector tests: the golden estate and a scan of it over real HTTP.

Each scan starts the fake ARM + Resource Graph server (scanner/demo/emulators/arm.py) on 127.0.0.1 and runs
the real connector against it with the documented config: ``arm_endpoint`` and a ``token``
credential read from an environment variable.
"""

import json
from dataclasses import dataclass
from pathlib import Path

from inventory.rows import Account, Collection, Resource, SecurityService, Setting
from scanner.demo.emulators.arm import ArmFake

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).with_name("golden_estate.json")
TOKEN_ENV = "WOLKENWACHT_TEST_AZURE_TOKEN"


@dataclass
class Scan:
    """What one collect() produced, sorted by table, plus the fake that served it."""

    fake: ArmFake
    rows: list

    def of(self, table) -> list:
        return [row for row in self.rows if isinstance(row, table)]

    @property
    def accounts(self) -> dict[str, Account]:
        return {a.account_id: a for a in self.of(Account)}

    @property
    def resources(self) -> dict[str, Resource]:
        return {r.uid: r for r in self.of(Resource)}

    @property
    def collections(self) -> list[Collection]:
        return self.of(Collection)

    @property
    def errors(self) -> list[Collection]:
        return [c for c in self.collections if not c.ok]

    def services(self, account_id: str) -> dict[str, SecurityService]:
        return {s.service: s for s in self.of(SecurityService) if s.account_id == account_id}

    def settings(self, account_id: str) -> list[Setting]:
        return [s for s in self.of(Setting) if s.account_id == account_id]


def golden() -> dict:
    """A fresh copy of the golden estate, free to mutate."""
    return json.loads(GOLDEN.read_text(encoding="utf-8"))


def sub_id(estate: dict, name: str) -> str:
    return next(s["subscription_id"] for s in estate["subscriptions"] if s["display_name"] == name)


def resource(estate: dict, name: str) -> dict:
    """The estate resource whose id ends in ``/name``."""
    return next(r for s in estate["subscriptions"] for r in s["resources"] if r["id"].endswith(f"/{name}"))
