"""Opening the inventory database, creating its schema, and storing rows in bulk."""

import dataclasses
import hashlib
import sqlite3
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from operator import attrgetter
from pathlib import Path

import orjson
from sqlalchemy import Connection, Dialect, Engine, create_engine, event, insert

from inventory import tables
from inventory.migrations import create_schema as create_schema  # schema creation and upgrades live there
from inventory.rows import RAW_ADDRESS

# PostgreSQL without JIT compilation: it spent 0.3-0.6 s compiling each large INSERT ... SELECT of the
# checks and facts, more than it saved (docs/postgresql.md, "Query plans").
# A server-side cursor is read to its end (reports, facts): plan for all rows, not the first tenth.
PG_OPTIONS = {"options": "-c jit=off -c cursor_tuple_fraction=1"}
BATCH = 20000  # rows per INSERT batch and transaction: fewer commits, memory stays bounded


def dumps(value) -> str:
    """JSON text for a JSON column (orjson: several times faster than json for raw API answers)."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def connect(url: str, busy_timeout: float = 5) -> Engine:
    """An engine for the inventory; SQLite gets WAL, relaxed fsync for bulk loads, and waits up to
    ``busy_timeout`` seconds for another connection's write lock."""
    sqlite = url.startswith("sqlite")
    engine = create_engine(url, json_serializer=dumps, json_deserializer=orjson.loads,
                           connect_args={"timeout": busy_timeout} if sqlite else PG_OPTIONS)
    if sqlite:
        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute("pragma page_size=16384")  # before the first table; larger pages load 10 % faster
            cur.execute("pragma journal_mode=wal")
            cur.execute("pragma synchronous=normal")
            cur.execute("pragma wal_autocheckpoint=10000")  # pages (160 MiB): fewer, larger checkpoints
            cur.execute("pragma temp.cache_size=-16384")  # 16 MiB for the findings' drafts (inventory.drafts)
            cur.close()
    return engine


def analyze(conn: Connection, *table_names: str) -> None:
    """PostgreSQL: refresh the planner's statistics of tables just filled in bulk (autovacuum comes too
    late for the next statement: without them it expects a thousand rows and loops over a hundred
    thousand). SQLite plans well without statistics; nothing to do there."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"analyze {', '.join(table_names)}")


def checkpoint(engine: Engine) -> None:
    """Close the engine's connections; on SQLite first copy the WAL into the database file and empty it,
    so the ``.db`` file alone holds everything (an auditor may be handed just that file)."""
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.exec_driver_sql("pragma wal_checkpoint(TRUNCATE)")
    engine.dispose()


def connect_readonly(url: str, statement_timeout: float | None = None) -> Engine:
    """An engine that cannot write: SQLite opened with mode=ro, PostgreSQL in read-only transactions
    (set when the session starts, so no rollback undoes it), there with an optional statement timeout."""
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        if not path.exists():
            raise FileNotFoundError(path)
        return create_engine(f"sqlite:///file:{path.resolve()}?mode=ro&uri=true", json_deserializer=orjson.loads)
    options = f"-c default_transaction_read_only=on {PG_OPTIONS['options']}"
    if statement_timeout is not None:
        options += f" -c statement_timeout={int(statement_timeout * 1000)}"
    return create_engine(url, connect_args={"options": options}, json_deserializer=orjson.loads)


QUERY_ACTIONS = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION, sqlite3.SQLITE_RECURSIVE,
                 sqlite3.SQLITE_TRANSACTION}
QUERY_PRAGMAS = {"table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo",
                 "foreign_key_list", "collation_list", "function_list", "pragma_list", "module_list", "compile_options"}


def _reading_only(action: int, arg1: str | None, *_) -> int:
    """SQLite authorizer: reading statements and introspection pragmas only (no ATTACH, VACUUM INTO, writes)."""
    if action in QUERY_ACTIONS or (action == sqlite3.SQLITE_PRAGMA and arg1 in QUERY_PRAGMAS):
        return sqlite3.SQLITE_OK
    return sqlite3.SQLITE_DENY


def connect_query(url: str, timeout: float) -> Engine:
    """A read-only engine for auditors' SQL: only reading is authorised and a statement stops after
    ``timeout`` seconds (SQLite: authorizer and progress handler; PostgreSQL: statement_timeout)."""
    engine = connect_readonly(url, statement_timeout=timeout)
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _bounded(dbapi_conn, _record):
            deadline = time.monotonic() + timeout
            dbapi_conn.set_authorizer(_reading_only)
            dbapi_conn.set_progress_handler(lambda: time.monotonic() > deadline, 10000)
    return engine


def finding_key(control: str, check: str, provider: str, account: str, resource_id: str) -> str:
    """SQL computing a finding's key from SQL expressions for its columns: the same for the same control,
    check and subject in every scan (README, "Finding key"). Migration 0002 filled earlier scans alike."""
    return (f"{control} || '|' || coalesce({check}, '') || '|' || coalesce("
            f"(select r.provider || '|' || r.account_id || '|' || r.uid from resource r where r.id = {resource_id}), "
            f"coalesce({provider}, '') || '|' || coalesce({account}, '') || '|')")


@dataclass(frozen=True)
class _Statement:
    """How rows of one row type reach the driver: the INSERT and how to turn a row into parameters."""

    sql: str
    values: Callable  # row -> tuple of its field values, in field order (every row type has several)
    has_scan_id: bool  # the parameters start with the Writer's scan_id, then the fields
    order: tuple[int, ...] | None  # parameter order when it is not that one (primary key columns first)
    processed: tuple[tuple[int, Callable], ...]  # (parameter position, bind processor)
    names: tuple[str, ...] | None  # parameter names when the driver takes dicts (psycopg)
    copy: str | None  # PostgreSQL: the COPY ... FROM STDIN that loads a batch faster than INSERTs
    raw_at: int | None  # position of the raw answer, stored as a raw_document and replaced by its address
    link: str | None  # a row type stored by state: the INSERT of the scan's row (scan id, state id)
    link_copy: str | None  # PostgreSQL: the COPY of those rows
    state_table: str | None  # the table of the states, looked up by identity and address
    identity: tuple[int, ...]  # positions, in a state's values (its address first), of the columns it is looked up by


# Row types whose model is a view over states stored once, and one small row per scan pointing at its state:
# view -> (state table, the scan's row table, its column holding the state's id, the columns of the thing the
# state is of; the states of one thing are found by these, through their index, and told apart by address).
STORED_BY_STATE = {"resource": (tables.ResourceState.__table__, tables.ResourceRow.__table__, "state_id",
                                ("provider", "account_id", "uid"))}


@cache
def _statement(row_type: type, dialect: Dialect) -> _Statement:
    """The INSERT as SQLAlchemy compiles it, with each column's bind processor (same stored values)."""
    table, link, state_column, identity = STORED_BY_STATE.get(row_type.model.__tablename__,
                                                              (row_type.model.__table__, None, None, ()))
    fields = tuple(f.name for f in dataclasses.fields(row_type))
    has_scan_id = "scan_id" in table.c
    addressed = RAW_ADDRESS in table.c
    columns = tuple(RAW_ADDRESS if addressed and name == "raw" else name for name in fields)
    columns = ("scan_id", *columns) if has_scan_id else ("sha256", *columns) if link is not None else columns
    compiled = insert(table).inline().compile(dialect=dialect, column_keys=list(columns))
    names = tuple(compiled.positiontup) if compiled.positional else columns
    processors = [table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names]
    link_columns = ("scan_id", state_column)
    return _Statement(sql=compiled.string, values=attrgetter(*fields), has_scan_id=has_scan_id,
                      order=None if names == columns else tuple(columns.index(name) for name in names),
                      processed=tuple((i, p) for i, p in enumerate(processors) if p),
                      names=None if compiled.positional else names,
                      copy=_copy_sql(table, names, dialect),
                      raw_at=columns.index(RAW_ADDRESS) if addressed else None,
                      link=None if link is None else insert(link).compile(dialect=dialect, column_keys=list(link_columns)).string,
                      link_copy=None if link is None else _copy_sql(link, link_columns, dialect),
                      state_table=None if link is None else table.name,
                      identity=tuple(columns.index(name) for name in identity))


def _copy_sql(table, names: tuple[str, ...], dialect: Dialect) -> str | None:
    if dialect.name != "postgresql":
        return None
    quote = dialect.identifier_preparer.quote
    return f"copy {quote(table.name)} ({', '.join(quote(n) for n in names)}) from stdin"


# One copy of each raw answer, shared by every row and scan that holds it (its address: SHA-256 of its JSON text).
STORE_DOCUMENT = {"sqlite": "insert into raw_document (sha256, raw) values (?, ?) on conflict do nothing",
                  "postgresql": "insert into raw_document (sha256, raw) values (%s, cast(%s as json)) on conflict do nothing"}


def address(raw, documents: dict[bytes, str]) -> bytes:
    """The address of a raw answer, with its JSON text added to ``documents`` (None is JSON null, as a JSON
    column stores it)."""
    document = dumps(raw)
    digest = hashlib.sha256(document.encode()).digest()
    documents[digest] = document
    return digest


def state_address(values: list) -> bytes:
    """The address of a state: SHA-256 of its values as found, as JSON (the raw answer by its address)."""
    return hashlib.sha256(orjson.dumps(values, default=bytes.hex, option=orjson.OPT_NON_STR_KEYS)).digest()


def _state_ids(conn: Connection, table: str, identities: dict[bytes, tuple]) -> dict[bytes, int]:
    """Address -> id of the states already stored, of the addresses in ``identities`` (address -> provider,
    account, uid): looked up per provider and account by uid (SQLite: up to 10,000 at a time, below its limit)."""
    uids: dict[tuple, list[str]] = defaultdict(list)
    for provider, account, uid in identities.values():
        uids[(provider, account)].append(uid)
    found = {}
    for (provider, account), wanted in uids.items():
        for start in range(0, len(wanted), 10000):
            chunk = wanted[start:start + 10000]
            if conn.dialect.name == "postgresql":
                rows = conn.exec_driver_sql(f"select sha256, id from {table} where provider = %s and account_id = %s"
                                            " and uid = any(%s)", (provider, account, chunk))
            else:
                rows = conn.exec_driver_sql(f"select sha256, id from {table} where provider = ? and account_id = ?"
                                            f" and uid in ({', '.join('?' * len(chunk))})", (provider, account, *chunk))
            found.update((address, id_) for address, id_ in rows if address in identities)
    return found


class Writer:
    """Buffers rows (``inventory.rows`` types) and inserts them in batches; never one commit per row.

    A batch goes to the driver's executemany as SQLAlchemy would send it (same SQL, same bind
    processors per column), without SQLAlchemy's per-row parameter handling, which cost more
    than the inserts themselves. A resource is stored as its state, once for every scan that found it
    so, and a row of the scan pointing at it (``STORED_BY_STATE``)."""

    def __init__(self, engine: Engine, scan_id: int, batch: int = BATCH):
        self.engine, self.scan_id, self.batch = engine, scan_id, batch
        self.pending: dict[type, list[tuple]] = defaultdict(list)
        self.counts: dict[str, int] = defaultdict(int)

    def add(self, row) -> None:
        row_type = type(row)
        pending = self.pending[row_type]
        pending.append(_statement(row_type, self.engine.dialect).values(row))
        if len(pending) >= self.batch:
            self._flush(row_type)

    def add_all(self, rows: Iterable) -> None:
        for row in rows:
            self.add(row)

    def _flush(self, row_type: type) -> None:
        rows = self.pending.pop(row_type, [])
        if not rows:
            return
        statement = _statement(row_type, self.engine.dialect)
        params, documents, states, identities = {}, {}, [], {}
        for values in rows:
            values = [self.scan_id, *values] if statement.has_scan_id else \
                [None, *values] if statement.link else list(values)
            if statement.raw_at is not None:
                values[statement.raw_at] = address(values[statement.raw_at], documents)
            key = len(params)
            if statement.link:
                key = values[0] = state_address(values[1:])
                states.append(key)
                identities[key] = tuple(values[i] for i in statement.identity)
            if statement.order:
                values = [values[i] for i in statement.order]
            for i, process in statement.processed:
                values[i] = process(values[i])
            params[key] = (tuple(values) if statement.copy or statement.names is None
                           else dict(zip(statement.names, values, strict=True)))
        postgresql = self.engine.dialect.name == "postgresql"
        with self.engine.begin() as conn:
            if documents:  # PostgreSQL: in address order, so scans storing the same answers at once lock them in one order
                conn.exec_driver_sql(STORE_DOCUMENT[self.engine.dialect.name],
                                     sorted(documents.items()) if postgresql else list(documents.items()))
            if statement.link:
                self._link(conn, statement, params, identities, states)
            else:
                self._insert(conn, statement.sql, statement.copy, list(params.values()))
        self.counts[row_type.model.__tablename__] += len(rows)

    def _link(self, conn: Connection, statement: _Statement, params: dict, identities: dict[bytes, tuple],
              states: list[bytes]) -> None:
        """The states not stored yet, then the scan's rows pointing at each row's state (in the rows' order). New
        states go in in the rows' order, so reading a scan's rows reads their states in the order they are stored."""
        ids = _state_ids(conn, statement.state_table, identities)
        new = {key: identity for key, identity in identities.items() if key not in ids}
        if new:
            self._insert(conn, statement.sql, statement.copy, [params[key] for key in new])
            ids |= _state_ids(conn, statement.state_table, new)
        self._insert(conn, statement.link, statement.link_copy, [(self.scan_id, ids[key]) for key in states])

    @staticmethod
    def _insert(conn: Connection, sql: str, copy: str | None, params: list) -> None:
        """One batch: PostgreSQL's COPY where the table takes it, else the driver's executemany."""
        if copy:
            with conn.connection.driver_connection.cursor() as cursor, cursor.copy(copy) as load:
                for values in params:
                    load.write_row(values)
        else:
            conn.exec_driver_sql(sql, params)

    def flush(self) -> None:
        for row_type in list(self.pending):
            self._flush(row_type)


SCHEMA_LOCK = 0x776F6C6B  # the PostgreSQL advisory lock key of schema changes and reference loads ("wolk")


@contextmanager
def schema_lock(engine: Engine) -> Iterator[None]:
    """Serialise schema creation, upgrades and reference loads between scans running at the same
    time against one PostgreSQL database (a session advisory lock); SQLite locks the file itself."""
    if engine.dialect.name != "postgresql":
        yield
        return
    with engine.connect() as conn:
        conn.exec_driver_sql(f"select pg_advisory_lock({SCHEMA_LOCK})")
        conn.commit()
        try:
            yield
        finally:
            conn.exec_driver_sql(f"select pg_advisory_unlock({SCHEMA_LOCK})")
            conn.commit()
