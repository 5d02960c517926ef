"""Schema versions (Alembic): a fresh database is created at the newest version, an older one upgraded.

Revisions live in ``versions/``, one file per schema change, forward only. A database written by
release 0.1.0 has no ``alembic_version`` table: it is recognised by its tables and stamped with
the baseline revision before it is upgraded. ``inventory.db.create_schema`` runs this in one
transaction with the views dropped, so a table rebuild (SQLite batch mode) never trips over them.
"""

from collections.abc import Iterable
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, MetaData, create_engine, inspect
from sqlmodel import SQLModel

from inventory import tables

BASELINE = "0001"  # the schema of release 0.1.0
CORE_TABLES = frozenset(m.__tablename__ for m in vars(tables).values()
                        if isinstance(m, type) and issubclass(m, SQLModel) and hasattr(m, "__table__"))


class SchemaError(Exception):
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


def _current(conn: Connection) -> tuple[str, ...]:
    """The database's schema revision (empty when it has none); a revision this tool does not know is refused."""
    current = MigrationContext.configure(conn).get_current_heads()
    known = {script.revision for script in _script().walk_revisions()}
    newer = [rev for rev in current if rev not in known]
    if newer:
        raise SchemaError(f"the database has schema version {newer[0]}, newer than this Wolkenwacht knows "
                          f"(up to {head()}): use a newer Wolkenwacht")
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
            raise SchemaError(f"the database has tables but no schema version, and table {table} of Wolkenwacht 0.1.0 "
                              "is missing: it is not a Wolkenwacht database")
        have = frozenset(c["name"] for c in found.get_columns(table))
        if have != columns:
            raise SchemaError(f"the database has no schema version and table {table} does not match Wolkenwacht 0.1.0 "
                              f"(columns {', '.join(sorted(have ^ columns))} differ)")


def upgrade(conn: Connection, source_tables: Iterable[type[SQLModel]] = ()) -> str:
    """Create the tables in an empty database or upgrade older ones to this version; says what it did."""
    current = _current(conn)
    if not current and not set(inspect(conn).get_table_names()) & CORE_TABLES:
        metadata(source_tables).create_all(conn)
        command.stamp(_config(conn), "head")
        return f"database schema created at version {head()}"
    if not current:
        _check_baseline(conn)
        command.stamp(_config(conn), BASELINE)
        current = (BASELINE,)
    if current == (head(),):
        return f"database schema is at version {head()}"
    command.upgrade(_config(conn), "head")
    return f"database schema upgraded from version {current[0]} to {head()}"


def check_schema(engine: Engine) -> None:
    """Refuse to read a database whose schema is not this version's (older: upgrade it first; newer: newer tool)."""
    with engine.connect() as conn:
        current = _current(conn)
    if current != (head(),):
        found = current[0] if current else "none (release 0.1.0)"
        raise SchemaError(f"the database has schema version {found}, this Wolkenwacht reads {head()}: "
                          "run 'wolkenwacht db upgrade' first")
