"""State shared by the collection steps of one tenant: the session, the emit callback, the tenant row."""

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kiota_serialization_json.json_serialization_writer import JsonSerializationWriter

from connectors.base import Call, json_safe
from connectors.m365.calls import LISTS_RESOURCES
from connectors.m365.config import M365Config
from connectors.m365.graph import GraphSession, attempt_async, describe
from connectors.m365.rows import M365Tenant, M365User
from inventory.rows import Resource, Row

# Microsoft 365 encrypts all content at rest (BitLocker plus service encryption); it cannot be
# switched off. Keys are Microsoft's unless Customer Key is configured, which Graph cannot show,
# so custody is reported as "provider" (the conservative reading for a sovereignty check).
AT_REST = {"encrypted": True, "key_custody": "provider"}


@dataclass
class TenantScan:
    cfg: M365Config
    session: GraphSession
    emit: Callable[[Row], None]
    tenant: M365Tenant
    users: list[M365User] | None = None
    user_locations: dict[str, str | None] = field(default_factory=dict)

    @property
    def tenant_id(self) -> str:
        return self.cfg.tenant_id

    async def run(self, call: Call, awaitable: Awaitable[Any]) -> Any:
        """Await one call group, emit its Collection row, return the value (None when it failed).

        A failed call that lists resources is also recorded under area 'inventory' (calls.LISTS_RESOURCES)."""
        value, record = await attempt_async(awaitable, call, provider="m365", estate=self.cfg.name,
                                            account_id=self.tenant_id)
        self.emit(record)
        if not record.ok and call.call in LISTS_RESOURCES:
            self.failed(LISTS_RESOURCES[call.call], record.error)
        return value

    async def run_many(self, call: Call, awaitables: list[Awaitable[Any]], subjects: list[str]) -> list[Any]:
        """Await a call group made of many calls, one per subject (the uid of the team, mailbox, ... it is for).

        Returns the values in order, None for a failed call. Emits one Collection row when all calls
        succeeded, else one failed row per failed call naming its subject (whose findings become error)."""
        results = await asyncio.gather(*awaitables, return_exceptions=True)
        errors = [(subject, r) for subject, r in zip(subjects, results, strict=True) if isinstance(r, BaseException)]
        for subject, error in errors:
            self.failed(call, f"{describe(error)} (1 of {len(results)} calls)", subject)
        if not errors:
            self.emit(call.record(provider="m365", estate=self.cfg.name, account_id=self.tenant_id, ok=True,
                                  item_count=len(results)))
        return [None if isinstance(r, BaseException) else r for r in results]

    def failed(self, call: Call, error: str, subject: str | None = None) -> None:
        """Record a call group that could not run (e.g. its input failed), or its call for one subject, as an error."""
        self.emit(call.record(provider="m365", estate=self.cfg.name, account_id=self.tenant_id, ok=False, error=error,
                              subject=subject))

    def resource(self, uid: str, type_: str, name: str | None, region: str | None, source_api: str, raw: Any,
                 stores_data: bool = True, created_at: datetime | None = None) -> None:
        self.emit(Resource(provider="m365", account_id=self.tenant_id, uid=uid, type=type_, name=name,
                           region=region.lower() if region else None, created_at=created_at, tags={},
                           stores_data=stores_data, source_api=source_api, raw=json_safe(wire(raw)),
                           **(AT_REST if stores_data else {})))


def wire(obj: Any) -> Any:
    """An SDK model back in Graph's JSON wire format (camelCase), for ``raw`` columns."""
    if obj is None or isinstance(obj, (dict, list, str, int, float, bool)):
        return obj
    writer = JsonSerializationWriter()
    writer.write_object_value(None, obj)
    return json.loads(writer.get_serialized_content())
