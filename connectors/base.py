"""What every connector shares: the contract, the scan context and call bookkeeping.

A connector is built from one config table (``[[aws]]``, ``[[m365]]``, ...) and a
:class:`ScanContext`. Its :meth:`Connector.collect` yields inventory rows (the row types of
``inventory.rows``, or of the connector's own ``rows`` module) as it finds them; the scanner
stores them in bulk. Every API call group yields one :class:`~inventory.rows.Collection` row
(use :func:`attempt` or :meth:`Call.record`), so a failed call becomes a recorded error and never a
silent gap. The calls a connector makes are declared once, in its manifest (:class:`Manifest`).
"""

import importlib
import ipaddress
import logging
import threading
import time
from collections.abc import Callable, Hashable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar
from urllib.parse import urlsplit

from pydantic import BaseModel
from sqlmodel import SQLModel

from inventory.messages import Invalid
from inventory.rows import Collection, Row

T = TypeVar("T")
R = TypeVar("R")
log = logging.getLogger("wolkenwacht.connectors")


class DeadlineReached(Exception):
    """The scan deadline passed before this call was sent."""


@dataclass
class ScanContext:
    """Settings every connector honours, and the per-service limits of its per-item calls."""

    deadline: float = field(default_factory=lambda: time.monotonic() + 3600)
    max_workers: int = 8  # threads (or requests in flight) per source: the source's max_workers, else [scan]
    timeouts: tuple[float, float] = (10.0, 60.0)  # connect and read timeout of every request, seconds ([scan])
    concurrency: dict[str, int] = field(default_factory=dict)  # per-item calls in flight per service (the source's table)
    _slots: dict[Hashable, threading.BoundedSemaphore] = field(default_factory=dict, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def seconds_left(self) -> float:
        return max(0.0, self.deadline - time.monotonic())

    def limit(self, service: str) -> int:
        """Per-item calls of ``service`` in flight at once (per place): the configured limit, else max_workers."""
        return self.concurrency.get(service, self.max_workers)

    def each(self, fn: Callable[[T], R], items: Iterable[T], service: str, place: Hashable = None) -> list[R | Exception]:
        """``fn(item)`` for every item, in parallel, with at most :meth:`limit` calls of ``service`` in flight
        per ``place`` (an account and region, a subscription ...) across every caller of this context.

        Results come back in the order of ``items`` (whatever the order of completion); an exception is
        returned in its item's place, and an item not started before the scan deadline gets
        :class:`DeadlineReached`."""
        items = list(items)
        with self._lock:
            slots = self._slots.setdefault((service, place), threading.BoundedSemaphore(self.limit(service)))

        def one(item: T) -> R | Exception:
            with slots:
                if self.seconds_left() <= 0:
                    return DeadlineReached("scan deadline reached before this call was sent")
                try:
                    return fn(item)
                except Exception as exc:
                    return exc

        if len(items) <= 1:
            return [one(item) for item in items]
        with ThreadPoolExecutor(max_workers=min(self.limit(service), len(items)), thread_name_prefix=service) as pool:
            return list(pool.map(one, items))


def unwrap(result: T | Exception) -> T:
    """A result of :meth:`ScanContext.each`: the value, or its exception raised."""
    if isinstance(result, Exception):
        raise result
    return result


class Connector(Protocol):
    """The connector contract."""

    provider: str

    def collect(self) -> Iterator[Row]:
        """Yield inventory rows; never raise for a failed API call (record it instead)."""
        ...


CONNECTOR = "connector"  # the call of a Collection row for a failure that is no single API call (crash, deadline)


@dataclass(frozen=True)
class Call:
    """One API call group a connector makes: its collection area, its name and the read-only permission it needs.

    ``call`` is named ``<service>:<Operation>``: the service as its permissions name it (the IAM
    namespace ``s3``, the Azure resource provider ``sql``, the Google API ``cloudasset``, ``graph``
    for Microsoft Graph, ``exo`` for Exchange Online, ``http`` for a plain web request) and the
    operation as the API reference names it (``s3:ListBuckets``, ``sql:GetEncryptionProtector``,
    ``cloudasset:ListAssets``, ``graph:ListUsers``, ``exo:Get-OrganizationRelationship``).
    The same call may serve several areas: it is then declared once per area.
    """

    area: str
    call: str
    permission: str

    @property
    def service(self) -> str:
        """The service part of the call name (``s3`` of ``s3:GetBucketEncryption``): the key of its concurrency limit."""
        return self.call.partition(":")[0]

    def record(self, **fields) -> Collection:
        """This call's Collection row; ``fields`` are the others (provider, estate, ok, ...)."""
        return Collection(area=self.area, call=self.call, permission=self.permission, **fields)


@dataclass(frozen=True)
class Manifest:
    """What a source is: everything the application needs to know without importing its SDK."""

    provider: str  # the config table ([[aws]]) and the provider name in the inventory
    config: type[BaseModel]  # the model of one config table
    connector: str  # "module:Class", imported only when a source of this kind is configured
    calls: tuple[Call, ...]  # every call group, as data in the source's calls.py; its Collection rows are these
    tables: tuple[type[SQLModel], ...] = ()  # the source's own tables, besides the core inventory
    also_needs: tuple[str, ...] = ()  # permissions every call needs besides its own (e.g. a quota project)

    @property
    def areas(self) -> frozenset[str]:
        return frozenset(call.area for call in self.calls)

    @property
    def permissions(self) -> tuple[str, ...]:
        return tuple(sorted({call.permission for call in self.calls} | set(self.also_needs)))

    def connector_class(self) -> type:
        module, _, name = self.connector.partition(":")
        return getattr(importlib.import_module(module), name)


@dataclass
class Outcome:
    """Result of :func:`attempt`: the value (None on failure) and the Collection row to yield."""

    value: Any
    record: Collection

    @property
    def ok(self) -> bool:
        return self.record.ok


def attempt(
    fn: Callable[[], T],
    call: Call,
    *,
    provider: str,
    estate: str,
    account_id: str | None = None,
    region: str | None = None,
    describe_error: Callable[[BaseException], str] = lambda e: f"{type(e).__name__}: {e}",
    count: Callable[[T], int | None] = lambda v: len(v) if isinstance(v, (list, tuple, dict)) else None,
) -> Outcome:
    """Run one API call group and describe its outcome as a Collection row of ``call``."""
    where = dict(provider=provider, estate=estate, account_id=account_id, region=region)
    try:
        value = fn()
    except Exception as exc:
        message = describe_error(exc)
        log.debug("%s %s %s %s failed: %s", provider, account_id or estate, region or "", call.call, message)  # the scan logs failed calls
        return Outcome(None, call.record(ok=False, error=message[:2000], **where))
    return Outcome(value, call.record(ok=True, item_count=count(value), **where))


LOOPBACK_NAMES = {"localhost"}


def is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_endpoint(url: str) -> str:
    """Accept https URLs, and plain http only for loopback hosts (local emulators). Raises ValueError."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return url.rstrip("/")
    if parts.scheme == "http" and parts.hostname and is_loopback(parts.hostname):
        return url.rstrip("/")
    if parts.scheme == "http":
        raise Invalid("config.http_loopback", host=parts.hostname)
    raise Invalid("config.not_http", url=url)


def json_safe(value: Any) -> Any:
    """Make an SDK answer storable as JSON: datetimes and dates as ISO text, bytes as hex, sets as lists."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [json_safe(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)
