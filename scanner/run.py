"""One scan, start to finish: collect → store → derive facts → evaluate the packs."""

import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from sqlalchemy import Engine, func, select, update
from sqlmodel import Session

from connectors.base import CONNECTOR, Connector, ScanContext
from connectors.registry import AREAS, MANIFESTS, TABLES
from findings.engine import Params, evaluate
from findings.facts import derive_facts
from findings.packs import all_controls, load_packs
from findings.reference import load_reference
from inventory import rows
from inventory.db import Writer, connect, create_schema, schema_lock
from inventory.tables import Collection, Scan
from scanner.config import PACKS, Config
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


def _start(engine: Engine, config: Config, config_path: Path, register_text: str | None) -> int:
    with Session(engine) as session:
        scan = Scan(started_at=datetime.now(UTC), status="running", tool_version=tool_version(),
                    organisation_name=config.organisation.name, organisation_profile=config.organisation.profile,
                    config_sha256=hashlib.sha256(config_path.read_bytes()).hexdigest(),
                    register_sha256=sha256(register_text) if register_text is not None else None,
                    register_toml=register_text)
        session.add(scan)
        session.commit()
        return scan.id


def _connectors(config: Config) -> list[tuple[str, object, Connector]]:
    """Every configured source's connector; credential problems surface here, before a scan starts.

    A source's ``max_workers`` overrides the ``[scan]`` one; every connector reads it from its context."""
    deadline = time.monotonic() + config.scan.deadline_minutes * 60
    timeouts = (config.scan.connect_timeout_seconds, config.scan.read_timeout_seconds)
    return [(provider, source, MANIFESTS[provider].connector_class()(
                source, ScanContext(deadline=deadline, max_workers=source.max_workers or config.scan.max_workers,
                                    timeouts=timeouts)))
            for provider, source in config.sources()]


def _collect(connectors: list[tuple[str, object, Connector]], writer: Writer, progress: Progress) -> None:
    """Run the connectors; a connector that crashes is recorded, the others still run."""
    seen_accounts: set[tuple[str, str]] = set()
    for provider, source, connector in connectors:
        label, count = f"{provider}:{source.name}", 0
        try:
            for row in connector.collect():
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
            log.exception("connector %s stopped", label)
            writer.add(rows.Collection(provider=provider, estate=source.name, area="accounts", call=CONNECTOR,
                                  ok=False, error=f"connector stopped: {type(exc).__name__}: {exc}"[:2000]))
        progress(label, count)
        writer.flush()


def run_scan(config: Config, config_path: Path, progress: Progress = lambda label, rows: None) -> ScanResult:
    """Scan every configured source and judge the result; returns what happened."""
    packs = [load_packs(AREAS)[pack_id] for pack_id in config.packs or PACKS]
    register, register_text = Register(), None
    if config.register_path:
        register, register_text = load_register(config.register_path, set(all_controls()))
    connectors = _connectors(config)
    engine = connect(config.database)
    with schema_lock(engine):  # scans of other estates may start at the same moment
        create_schema(engine, TABLES)
        load_reference(engine)
    scan_id = _start(engine, config, config_path, register_text)
    writer, status = Writer(engine, scan_id), "failed"
    try:
        writer.add_all(register_rows(register))
        writer.flush()
        _collect(connectors, writer, progress)
        progress("facts", derive_facts(engine, scan_id, config.classification_tag))
        with engine.connect() as conn:
            started = conn.execute(select(Scan.started_at).where(Scan.id == scan_id)).scalar_one()
            failed = conn.execute(select(func.count()).select_from(Collection)
                                  .where(Collection.scan_id == scan_id, Collection.ok.is_(False))).scalar_one()
        findings = evaluate(engine, packs, Params(scan_id=scan_id, scan_date=started.date(),
                                                  profile=config.organisation.profile))
        status = "partial" if failed else "complete"
    finally:
        with engine.begin() as conn:
            conn.execute(update(Scan).where(Scan.id == scan_id).values(finished_at=datetime.now(UTC), status=status))
    return ScanResult(scan_id, status, dict(writer.counts), findings)
