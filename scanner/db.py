"""Opening the inventory database, creating its schema, and storing rows in bulk."""

import re
from collections import defaultdict
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, insert, text
from sqlmodel import SQLModel

from scanner import models  # noqa: F401 - registers the core tables

BATCH = 5000


def connect(url: str) -> Engine:
    """An engine for the inventory; SQLite gets WAL and relaxed fsync for bulk loads."""
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute("pragma journal_mode=wal")
            cur.execute("pragma synchronous=normal")
            cur.close()
    return engine


def connect_readonly(url: str) -> Engine:
    """An engine that cannot write: SQLite opened with mode=ro, PostgreSQL in read-only transactions."""
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        if not path.exists():
            raise FileNotFoundError(path)
        return create_engine(f"sqlite:///file:{path.resolve()}?mode=ro&uri=true")
    engine = create_engine(url)

    @event.listens_for(engine, "connect")
    def _readonly(dbapi_conn, _record):
        cur = dbapi_conn.cursor()
        cur.execute("set session characteristics as transaction read only")
        cur.close()
    return engine


def create_schema(engine: Engine) -> None:
    """Create every table (core and connector-specific) and the auditor views."""
    import scanner.sources  # noqa: F401 - imports connector tables into the metadata

    SQLModel.metadata.create_all(engine)
    views = (Path(__file__).parent / "views.sql").read_text(encoding="utf-8")
    with engine.begin() as conn:
        for statement in filter(str.strip, re.sub(r"--[^\n]*", "", views).split(";")):
            conn.execute(text(statement))


@cache
def _columns(table: type[SQLModel]) -> tuple[str, ...]:
    """The columns a row of this table fills (all but the generated id)."""
    return tuple(name for name in table.__table__.columns.keys() if name != "id")


class Writer:
    """Buffers rows per table and inserts them in batches; never one commit per row."""

    def __init__(self, engine: Engine, scan_id: int, batch: int = BATCH):
        self.engine, self.scan_id, self.batch = engine, scan_id, batch
        self.pending: dict[type[SQLModel], list[dict]] = defaultdict(list)
        self.counts: dict[str, int] = defaultdict(int)

    def add(self, row: SQLModel) -> None:
        table = type(row)
        columns = _columns(table)
        values = {name: row.__dict__.get(name) for name in columns}
        if "scan_id" in columns:
            values["scan_id"] = self.scan_id
        self.add_values(table, values)

    def add_values(self, table: type[SQLModel], values: dict) -> None:
        rows = self.pending[table]
        rows.append(values)
        if len(rows) >= self.batch:
            self._flush(table)

    def add_all(self, rows: Iterable[SQLModel]) -> None:
        for row in rows:
            self.add(row)

    def _flush(self, table: type[SQLModel]) -> None:
        rows = self.pending.pop(table, [])
        if rows:
            with self.engine.begin() as conn:
                conn.execute(insert(table.__table__), rows)
            self.counts[table.__tablename__] += len(rows)

    def flush(self) -> None:
        for table in list(self.pending):
            self._flush(table)
