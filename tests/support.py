"""Building small inventories for check and engine tests: golden rows plus one-field mutations."""

from collections.abc import Callable
from datetime import UTC, date, datetime

from sqlalchemy import Engine, insert, text

from connectors.registry import TABLES
from findings.engine import Params, evaluate, run_check, write_metadata
from findings.facts import derive_facts
from findings.packs import load_checks, load_packs
from findings.reference import load_reference
from inventory import rows
from inventory.db import Writer, connect, create_schema
from inventory.drafts import DRAFT, open_drafts, set_draft_keys, store_drafts
from inventory.rows import Scan
from inventory.tables import Finding, Resource
from policies.messages import load_messages, render

SCAN_DATE = date(2026, 11, 26)
_new_database: Callable[[], str] | None = None  # set by tests/conftest.py for --database postgresql


def use_database(new_database: Callable[[], str] | None) -> None:
    """Make database_url() hand out fresh databases from this factory (None: SQLite files)."""
    global _new_database
    _new_database = new_database


def database_url(tmp_path) -> str:
    """A fresh, empty database of the run's backend."""
    return _new_database() if _new_database else f"sqlite:///{tmp_path / 'inventory.db'}"


def new_inventory(tmp_path, started_at: datetime | None = None) -> tuple[Engine, int]:
    """A fresh inventory with reference data and one running scan."""
    engine = connect(database_url(tmp_path))
    create_schema(engine, TABLES)
    load_reference(engine)
    return engine, add_scan(engine, started_at)


def store_resources(engine: Engine, resources: list[Resource]) -> None:
    """Store resources (the view's model, as a test builds them) as a scan's Writer does; gives each its id."""
    for scan_id in sorted({r.scan_id for r in resources}):
        store(engine, scan_id, [rows.Resource(**r.model_dump(exclude={"id", "scan_id"})) for r in resources
                                if r.scan_id == scan_id])
    with engine.connect() as conn:
        ids = {(scan_id, uid): rid for rid, scan_id, uid in conn.execute(text("select id, scan_id, uid from resource"))}
    for resource in resources:
        resource.id = ids[(resource.scan_id, resource.uid)]


def store_findings(engine: Engine, findings: list[Finding]) -> None:
    """Store findings as the engine stores a scan's (drafts, keys, then compact storage); gives each its id."""
    with engine.connect() as conn:
        open_drafts(conn)
        conn.execute(insert(DRAFT), [f.model_dump(exclude={"id"}) for f in findings])
        set_draft_keys(conn)
        conn.commit()
        offset = store_drafts(conn)
        conn.commit()
    for number, finding in enumerate(findings, 1):
        finding.id = offset + number


def add_scan(engine: Engine, started_at: datetime | None = None) -> int:
    writer = Writer(engine, 0)
    start = started_at or datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    writer.add(Scan(started_at=start, status="running", tool_version="test", organisation_profile="ministry",
                    config_sha256="0" * 64))
    writer.flush()
    with engine.connect() as conn:
        return conn.exec_driver_sql("select max(id) from scan").scalar_one()


def store(engine: Engine, scan_id: int, rows) -> None:
    """Store inventory rows (``inventory.rows`` types) for a scan, then derive its facts."""
    writer = Writer(engine, scan_id)
    writer.add_all(rows)
    writer.flush()


def check_rows(engine: Engine, scan_id: int, check_id: str, profile: str = "ministry",
               tag_key: str = "classification", control_id: str | None = None) -> list[dict]:
    """Derive facts, record the packs' controls (checks may read them) and run one check; its rows as dicts,
    each with its English ``message``."""
    derive_facts(engine, scan_id, tag_key)
    with engine.connect() as conn:
        recorded = conn.exec_driver_sql(f"select count(*) from pack_control where scan_id = {int(scan_id)}").scalar_one()
    if not recorded:
        writer = Writer(engine, scan_id)
        write_metadata(writer, load_packs().values(), load_checks())
        writer.flush()
    params = Params(scan_id=scan_id, scan_date=SCAN_DATE, profile=profile)
    return in_english(run_check(engine, load_checks()[check_id], params, control_id))


def in_english(rows) -> list[dict]:
    """Check rows, each with its message in English, rendered from its template and columns."""
    templates = load_messages()
    return [row | {"message": render(templates[row["message_key"]]["en"], row, "en")} for row in rows]


def judge(engine: Engine, scan_id: int, pack_ids=None, profile: str = "ministry") -> None:
    """Derive facts and evaluate packs, as a scan does."""
    derive_facts(engine, scan_id, "classification")
    packs = [p for pid, p in load_packs().items() if pack_ids is None or pid in pack_ids]
    evaluate(engine, packs, Params(scan_id=scan_id, scan_date=SCAN_DATE, profile=profile))
