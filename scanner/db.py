"""Opening the inventory database, creating its schema, and storing rows in bulk."""

import re
from collections import defaultdict
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import orjson
from sqlalchemy import Dialect, Engine, create_engine, event, insert, text
from sqlmodel import SQLModel

from scanner import models  # noqa: F401 - registers the core tables

BATCH = 5000


def dumps(value) -> str:
    """JSON text for a JSON column (orjson: several times faster than json for raw API answers)."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def connect(url: str) -> Engine:
    """An engine for the inventory; SQLite gets WAL and relaxed fsync for bulk loads."""
    engine = create_engine(url, json_serializer=dumps, json_deserializer=orjson.loads)
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


@cache
def _insert(table: type[SQLModel], dialect: Dialect) -> tuple[str, tuple[str, ...], tuple, bool]:
    """The INSERT as the driver takes it, its parameter names, each column's bind processor, positional?"""
    compiled = insert(table.__table__).inline().compile(dialect=dialect, column_keys=list(_columns(table)))
    names = tuple(compiled.positiontup if compiled.positional else _columns(table))
    processors = tuple(table.__table__.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names)
    return compiled.string, names, processors, compiled.positional


class Writer:
    """Buffers rows per table and inserts them in batches; never one commit per row.

    A batch goes to the driver's executemany as SQLAlchemy would send it (same SQL, same bind
    processors per column), without SQLAlchemy's per-row parameter handling, which cost more
    than the inserts themselves."""

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
        if not rows:
            return
        sql, names, processors, positional = _insert(table, self.engine.dialect)
        params = [tuple([process(row.get(name)) if process else row.get(name) for name, process in zip(names, processors)])
                  for row in rows]
        if not positional:
            params = [dict(zip(names, values)) for values in params]
        with self.engine.begin() as conn:
            conn.exec_driver_sql(sql, params)
        self.counts[table.__tablename__] += len(rows)

    def flush(self) -> None:
        for table in list(self.pending):
            self._flush(table)
