"""Schema versions (Alembic): a fresh database is created at the newest version, an older one upgraded.

Revisions live in ``versions/``, one file per schema change, forward only. A database written by
release 0.1.0 has no ``alembic_version`` table: it is recognised by its tables and stamped with
the baseline revision before it is upgraded. The views (``views.sql``) are dropped before an
upgrade and created again after it, so a table rebuild (SQLite batch mode) never trips over them.
"""

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, MetaData, create_engine, inspect, text
from sqlmodel import SQLModel

from inventory import tables
from inventory.messages import Said, say

BASELINE = "0001"  # the schema of release 0.1.0
CORE_TABLES = frozenset(m.__tablename__ for m in vars(tables).values()
                        if isinstance(m, type) and issubclass(m, SQLModel) and hasattr(m, "__table__")) - tables.VIEW_MODELS
VIEWS = Path(__file__).parent.parent / "views.sql"
CIO_ROLE = "wolkenwacht_cio"  # docs/postgresql.md: the role limited to the consolidated views
GRANT_CIO_VIEWS = f"""do $$ begin
  if exists (select 1 from pg_roles where rolname = '{CIO_ROLE}') then
    grant select on latest_estate_scan, cio_service, cio_supplier to {CIO_ROLE};
  end if;
end $$"""


class SchemaError(Said):
    """The database holds a schema this tool cannot use: newer than the tool, or not Wolkenwacht's."""


def metadata(source_tables: Iterable[type[SQLModel]] = ()) -> MetaData:
    """The schema this version writes: the core tables plus the given sources' own tables."""
    wanted = CORE_TABLES | {t.__tablename__ for t in source_tables}
    target = MetaData()
    for table in SQLModel.metadata.sorted_tables:
        if table.name in wanted:
            table.to_metadata(target)
    return target


def _config(conn: Connection, target: MetaData | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent))
    config.attributes.update(connection=conn, metadata=target)
    return config


@cache
def _script() -> ScriptDirectory:
    return ScriptDirectory(str(Path(__file__).parent))


def head() -> str:
    """The newest schema revision this tool knows."""
    return _script().get_current_head()


def _view_statements() -> list[str]:
    views = re.sub(r"--[^\n]*", "", VIEWS.read_text(encoding="utf-8"))
    return [s.strip() for s in views.split(";") if s.strip()]


@contextmanager
def _transaction(engine: Engine) -> Iterator[Connection]:
    """One transaction for the whole change, DDL included (pysqlite commits before DDL unless told not to)."""
    with engine.connect() as conn:
        if conn.dialect.name != "sqlite":
            with conn.begin():
                yield conn
            return
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")  # the driver leaves transactions to us
        conn.exec_driver_sql("begin immediate")
        try:
            yield conn
        except BaseException:
            conn.exec_driver_sql("rollback")
            raise
        conn.exec_driver_sql("commit")


def _current(conn: Connection) -> tuple[str, ...]:
    """The database's schema revision (empty when it has none); a revision this tool does not know is refused."""
    current = MigrationContext.configure(conn).get_current_heads()
    known = {script.revision for script in _script().walk_revisions()}
    newer = [rev for rev in current if rev not in known]
    if newer:
        raise SchemaError("schema.newer", found=newer[0], head=head())
    return current


@cache
def _baseline_columns() -> dict[str, frozenset[str]]:
    """Table -> column names of the 0.1.0 schema, as the baseline revision creates it."""
    engine = create_engine("sqlite://")
    with engine.begin() as conn:
        command.upgrade(_config(conn), BASELINE)
        found = inspect(conn)
        return {t: frozenset(c["name"] for c in found.get_columns(t)) for t in found.get_table_names()
                if t != "alembic_version"}


def _check_baseline(conn: Connection) -> None:
    """Refuse tables that are not those of 0.1.0 (another application's, or a damaged database)."""
    found = inspect(conn)
    present = set(found.get_table_names())
    for table, columns in sorted(_baseline_columns().items()):
        if table not in present:
            raise SchemaError("schema.baseline_missing", table=table)
        have = frozenset(c["name"] for c in found.get_columns(table))
        if have != columns:
            raise SchemaError("schema.baseline_differs", table=table, columns=", ".join(sorted(have ^ columns)))


def create_schema(engine: Engine, source_tables: Iterable[type[SQLModel]] = ()) -> str:
    """Create the schema in an empty database or upgrade an older one, views included; says what it did."""
    with _transaction(engine) as conn:
        current = _current(conn)
        tables_present = set(inspect(conn).get_table_names())
        if not current and not tables_present & CORE_TABLES:
            metadata(source_tables).create_all(conn)
            command.stamp(_config(conn), "head")
            done = say("schema.created", head=head())
        else:
            if not current:
                _check_baseline(conn)
                command.stamp(_config(conn), BASELINE)
                current = (BASELINE,)
            if current == (head(),):
                done = say("schema.current", head=head())
            else:
                views = set(inspect(conn).get_view_names())  # a name may be a table in an older schema
                for statement in _view_statements():
                    if statement.startswith("drop view") and statement.split()[-1] in views:
                        conn.execute(text(statement))
                command.upgrade(_config(conn), "head")
                done = say("schema.upgraded", found=current[0], head=head())
        for statement in _view_statements():
            conn.execute(text(statement))
        if conn.dialect.name == "postgresql":
            conn.execute(text(GRANT_CIO_VIEWS))  # the views were just recreated, and their grants with them
    return done


def check_schema(engine: Engine) -> None:
    """Refuse to read a database whose schema is not this version's (older: upgrade it first; newer: newer tool)."""
    with engine.connect() as conn:
        current = _current(conn)
    if current != (head(),):
        raise SchemaError("schema.outdated", found=current[0] if current else say("schema.none"), head=head())
