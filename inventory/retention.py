"""Retention: remove an organisation's old scans with every row that belongs to them, in one transaction."""

from datetime import datetime

from sqlalchemy import Engine, MetaData, bindparam, delete, select, text

from inventory.tables import Scan

_s = Scan.__table__
# Resource states, raw answers and finding bodies no remaining row holds (shared ones stay), in that order.
# SQLite reads the IN list once into an index; PostgreSQL plans NOT EXISTS as a hash anti-join (its NOT IN
# would rescan for every one).
UNHELD = {
    "resource_state": {
        "sqlite": "delete from resource_state where id not in (select state_id from resource_row)",
        "postgresql": "delete from resource_state s where not exists (select 1 from resource_row r where r.state_id = s.id)"},
    "raw_document": {
        "sqlite": "delete from raw_document where sha256 not in (select raw_sha256 from resource_state where raw_sha256 is not null)",
        "postgresql": "delete from raw_document d where not exists (select 1 from resource_state s where s.raw_sha256 = d.sha256)"},
    "finding_body": {
        "sqlite": "delete from finding_body where id not in (select body_id from finding_row)",
        "postgresql": "delete from finding_body b where not exists (select 1 from finding_row r where r.body_id = b.id)"}}


def scans_to_prune(engine: Engine, organisation: str | None, keep: int | None = None,
                   started_before: datetime | None = None) -> list[int]:
    """The organisation's scans older than its ``keep`` newest finished ones, or started before the moment.

    A scan newer than the kept ones (one that is still running) is never chosen."""
    where = [_s.c.organisation_name.is_not_distinct_from(organisation)]
    with engine.connect() as conn:
        if keep is not None:
            kept = conn.execute(select(_s.c.id).where(*where, _s.c.finished_at.is_not(None))
                                .order_by(_s.c.id.desc()).limit(keep)).scalars().all()
            if len(kept) < keep:
                return []
            where.append(_s.c.id < min(kept))
        if started_before is not None:
            where.append(_s.c.started_at < started_before)
        return conn.execute(select(_s.c.id).where(*where).order_by(_s.c.id)).scalars().all()


def prune(engine: Engine, scan_ids: list[int]) -> dict[str, int]:
    """Delete the scans and every row that carries their scan_id (sources' tables too), then the resource
    states, raw answers and finding bodies only they held; rows removed per table."""
    removed: dict[str, int] = {}
    if not scan_ids:
        return removed
    with engine.begin() as conn:
        schema = MetaData()
        schema.reflect(conn)  # the database's own tables, whichever sources wrote them
        for table in reversed(schema.sorted_tables):  # rows that point to others go first
            column = table.c.id if table.name == "scan" else table.c.get("scan_id")
            if column is None:
                continue
            result = conn.execute(delete(table).where(column.in_(bindparam("ids", expanding=True))), {"ids": scan_ids})
            if result.rowcount:
                removed[table.name] = result.rowcount
        for table, statements in UNHELD.items():
            unheld = conn.execute(text(statements[engine.dialect.name])).rowcount
            if unheld:
                removed[table] = unheld
    return removed
