"""Every Collection row a connector emits must be one of the calls its manifest declares.

The scan helpers of every connector's tests call :func:`assert_declared` on the rows they collect,
so each test scan (golden estates, 403s, throttling, deadlines) is held to the manifest.
"""

from connectors.base import CONNECTOR
from connectors.registry import AREAS, MANIFESTS
from inventory.rows import Collection


def undeclared(provider: str, rows: list) -> list[tuple]:
    """(area, call, permission) of the Collection rows that are not a declared call of ``provider``."""
    declared = {(c.area, c.call, c.permission) for c in MANIFESTS[provider].calls}
    found = {(r.area, r.call, r.permission) for r in rows if isinstance(r, Collection) and r.provider == provider}
    stopped = {key for key in found if key[1] == CONNECTOR and key[0] in AREAS and key[2] is None}
    return sorted(found - declared - stopped)


def assert_declared(provider: str, rows: list) -> list:
    """``rows``, after checking that every Collection row among them is declared."""
    assert undeclared(provider, rows) == [], f"{provider}: Collection rows of undeclared calls"
    return rows
