"""One scan, start to finish: collect → store → derive facts → evaluate the packs."""

import hashlib
import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from sqlalchemy import Connection, Engine, make_url, select, update
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlmodel import Session

from connectors.base import CONNECTOR, Connector, ScanContext
from connectors.registry import AREAS, MANIFESTS, TABLES
from findings.engine import Params, evaluate
from findings.facts import derive_facts
from findings.packs import all_controls, load_packs
from findings.reference import load_reference
from inventory import rows
from inventory.db import Writer, checkpoint, connect, create_schema, schema_lock
from inventory.messages import say
from inventory.tables import Collection, Scan
from scanner.config import PACKS, Config
from scanner.lock import DatabaseBusy, hold_scan_lock, lock_path, mark_interrupted, scan_lock
from scanner.register import Register, load_register, register_rows, sha256

log = logging.getLogger("wolkenwacht.scan")
Progress = Callable[[str, int], None]


@dataclass
class ScanResult:
    scan_id: int
    status: str
    rows: dict[str, int]
    findings: dict[str, int]


def tool_version() -> str:
    try:
        return version("wolkenwacht")
    except PackageNotFoundError:
        return "unknown"


def _start(holder: Connection, config: Config, config_path: Path, register_text: str | None) -> int:
    """Record the running scan through ``holder``, the connection that stays open while it runs (on
    PostgreSQL it holds the scan's advisory lock, taken before the row is committed)."""
    with Session(bind=holder) as session:
        scan = Scan(started_at=datetime.now(UTC), status="running", tool_version=tool_version(),
                    organisation_name=config.organisation.name, organisation_profile=config.organisation.profile,
                    config_sha256=hashlib.sha256(config_path.read_bytes()).hexdigest(),
                    register_sha256=sha256(register_text) if register_text is not None else None,
                    register_toml=register_text)
        session.add(scan)
        session.flush()
        hold_scan_lock(holder, scan.id)
        session.commit()
        return scan.id


def _connectors(config: Config) -> list[tuple[str, object, Connector]]:
    """Every configured source's connector; credential problems surface here, before a scan starts.

    A source's ``max_workers`` overrides the ``[scan]`` one; every connector reads it from its context."""
    deadline = time.monotonic() + config.scan.deadline_minutes * 60
    timeouts = (config.scan.connect_timeout_seconds, config.scan.read_timeout_seconds)
    return [(provider, source, MANIFESTS[provider].connector_class()(
                source, ScanContext(deadline=deadline, max_workers=source.max_workers or config.scan.max_workers,
                                    timeouts=timeouts, concurrency=dict(getattr(source, "concurrency", {})))))
            for provider, source in config.sources()]


def _in_background(collect: Callable[[], Iterator], batch: int = 500) -> Iterator:
    """Iterate ``collect()`` in a daemon thread and hand its rows over in batches (a bounded queue).

    The main thread then waits on the queue, not inside a connector's thread pool, so Ctrl-C and
    SIGTERM reach the scan at once even while a call hangs on the network."""
    handover: queue.Queue = queue.Queue(maxsize=8)
    stop = threading.Event()

    def produce() -> None:
        rows: list = []
        try:
            for row in collect():
                rows.append(row)
                if len(rows) >= batch:
                    handover.put(rows)
                    rows = []
                    if stop.is_set():
                        return
            handover.put(rows)
            handover.put(None)
        except Exception as exc:  # handed to the main thread, which records the connector as stopped
            handover.put(rows)
            handover.put(exc)

    threading.Thread(target=produce, daemon=True, name="collect").start()
    try:
        while (item := handover.get()) is not None:
            if isinstance(item, Exception):
                raise item
            yield from item
    finally:
        stop.set()


def _collect(connectors: list[tuple[str, object, Connector]], writer: Writer, progress: Progress) -> None:
    """Run the connectors; a connector that crashes is recorded, the others still run."""
    seen_accounts: set[tuple[str, str]] = set()
    for provider, source, connector in connectors:
        label, count = f"{provider}:{source.name}", 0
        try:
            for row in _in_background(connector.collect):
                if isinstance(row, rows.Account):
                    if (row.provider, row.account_id) in seen_accounts:
                        continue
                    seen_accounts.add((row.provider, row.account_id))
                    row.estate = source.name
                writer.add(row)
                count += 1
                if count % 500 == 0:
                    progress(label, count)
        except Exception as exc:
            log.exception(say("scan.connector_stopped", label=label))
            writer.add(rows.Collection(provider=provider, estate=source.name, area="accounts", call=CONNECTOR,
                                  ok=False, error=f"connector stopped: {type(exc).__name__}: {exc}"[:2000]))
        progress(label, count)
        writer.flush()


def _mark_interrupted(engine: Engine, database: str) -> None:
    """Scans still ``running`` in a SQLite file whose lock we now hold, or on PostgreSQL whose advisory
    lock nobody holds: their process is gone."""
    with engine.begin() as conn:
        if lock_path(database) is None:
            ids = mark_interrupted(conn)
        else:
            ids = conn.execute(update(Scan).where(Scan.status == "running").values(status="interrupted")
                               .returning(Scan.id)).scalars().all()
    for scan_id in ids:
        log.warning(say("scan.gone", scan=scan_id))


def _log_failed_calls(engine: Engine, scan_id: int) -> int:
    """One log line per failed call of this scan (every connector records them as Collection rows)."""
    t = Collection.__table__
    with engine.connect() as conn:
        failed = conn.execute(select(t.c.provider, t.c.estate, t.c.account_id, t.c.region, t.c.call, t.c.error,
                                     t.c.permission).where(t.c.scan_id == scan_id, t.c.ok.is_(False))
                              .order_by(t.c.id)).all()
    for row in failed:
        log.warning(say("scan.failed_call", provider=row.provider, estate=row.estate, account=row.account_id or "-",
                        region=row.region or "-", call=row.call, permission=row.permission or "-", error=row.error))
    return len(failed)


def _locked(busy: float) -> str:
    return say("scan.locked", busy=f"{busy:g}")


def _finish(engine: Engine, scan_id: int, status: str) -> None:
    try:
        with engine.begin() as conn:
            conn.execute(update(Scan).where(Scan.id == scan_id).values(finished_at=datetime.now(UTC), status=status))
    except SQLAlchemyError as exc:
        log.error(say("scan.unmarked", scan=scan_id, status=status, reason=str(getattr(exc, "orig", exc)).splitlines()[0]))


def run_scan(config: Config, config_path: Path, progress: Progress = lambda label, rows: None) -> ScanResult:
    """Scan every configured source and judge the result; returns what happened.

    One scan at a time per SQLite file (DatabaseBusy otherwise); Ctrl-C (KeyboardInterrupt) leaves the
    scan ``interrupted``; the SQLite file is checkpointed on the way out, however the scan ends."""
    packs = [load_packs(AREAS)[pack_id] for pack_id in config.packs or PACKS]
    register, register_text = Register(), None
    if config.register_path:
        register, register_text = load_register(config.register_path, all_controls())
    connectors = _connectors(config)
    engine = connect(config.database, config.scan.busy_timeout_seconds)
    try:
        with scan_lock(config.database), engine.connect() as holder:
            return _scan(engine, holder, config, config_path, register, register_text, connectors, packs, progress)
    except OperationalError as exc:
        if "locked" not in str(exc.orig):
            raise
        raise DatabaseBusy("scan.locked", busy=f"{config.scan.busy_timeout_seconds:g}") from None
    finally:
        try:
            checkpoint(engine)
        except SQLAlchemyError as exc:
            log.error(say("scan.no_checkpoint", reason=str(getattr(exc, "orig", exc)).splitlines()[0]))


def _scan(engine, holder: Connection, config: Config, config_path: Path, register, register_text, connectors, packs, progress) -> ScanResult:
    with schema_lock(engine):  # scans of other estates may start at the same moment
        log.info(create_schema(engine, TABLES))
        load_reference(engine)
    _mark_interrupted(engine, config.database)
    scan_id = _start(holder, config, config_path, register_text)
    busy = config.scan.busy_timeout_seconds
    log.info(say("scan.started", scan=scan_id, sources=", ".join(f"{p}:{s.name}" for p, s, _ in connectors) or say("scan.no_sources"),
                 database=make_url(config.database).render_as_string(hide_password=True), busy=f"{busy:g}"))
    writer, status = Writer(engine, scan_id), "failed"
    try:
        writer.add_all(register_rows(register))
        writer.flush()
        _collect(connectors, writer, progress)
        progress("facts", derive_facts(engine, scan_id, config.classification_tag))
        with engine.connect() as conn:
            started = conn.execute(select(Scan.started_at).where(Scan.id == scan_id)).scalar_one()
        failed = _log_failed_calls(engine, scan_id)
        findings = evaluate(engine, packs, Params(scan_id=scan_id, scan_date=started.date(),
                                                  profile=config.organisation.profile,
                                                  due_soon_days=config.transition_due_soon_days))
        status = "partial" if failed else "complete"
    except KeyboardInterrupt:
        status = "interrupted"
        log.warning(say("scan.interrupted", scan=scan_id))
        raise
    except OperationalError as exc:
        if "locked" not in str(exc.orig):
            raise
        unsaved = sum(len(rows) for rows in writer.pending.values())
        raise DatabaseBusy("scan.unsaved", locked=_locked(busy), scan=scan_id, rows=unsaved) from None
    finally:
        _finish(engine, scan_id, status)
    counts = dict(writer.counts)
    log.info(say("scan.finished", scan=scan_id, status=status, accounts=counts.get("account", 0),
                 resources=counts.get("resource", 0), failed=failed,
                 findings=", ".join(f"{n} {s}" for s, n in sorted(findings.items())) or say("scan.no_findings")))
    return ScanResult(scan_id, status, counts, findings)
