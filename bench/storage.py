"""Bytes each table and index takes in the database, to measure what one more scan adds."""

from sqlalchemy import Engine

SQLITE = "select name, sum(pgsize) from dbstat group by name"
# Tables with their TOAST (pg_table_size), indexes on their own.
POSTGRESQL = """
select c.relname, case when c.relkind = 'i' then pg_relation_size(c.oid) else pg_table_size(c.oid) end
from pg_class c where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'i')
"""


def sizes(engine: Engine) -> dict[str, int]:
    """Bytes per table and per index (SQLite: pages in use after a checkpoint; PostgreSQL: relation sizes)."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("pragma wal_checkpoint(truncate)")
            return dict(conn.exec_driver_sql(SQLITE).all())
        return dict(conn.exec_driver_sql(POSTGRESQL).all())


def print_growth(before: dict[str, int], after: dict[str, int], scan: int) -> None:
    """What scan number ``scan`` added, per table or index, largest first, and in all."""
    added = {name: after.get(name, 0) - before.get(name, 0) for name in after.keys() | before.keys()}
    print(f"\n{'bytes added by scan ' + str(scan) + ' (table or index)':<44}{'MiB':>10}")
    for name, size in sorted(added.items(), key=lambda item: -item[1]):
        if size:
            print(f"{name:<44}{size / 2**20:>10.1f}")
    print(f"{'all':<44}{sum(added.values()) / 2**20:>10.1f}   (database now {sum(after.values()) / 2**20:,.0f} MiB)")
