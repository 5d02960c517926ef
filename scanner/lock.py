"""One scan at a time per SQLite file: a lock file next to the database, held while a scan writes.

The kernel releases the lock when its process ends, however it ends (also ``kill -9``), so a
``running`` scan in a database whose lock is free was interrupted. PostgreSQL needs no lock file:
concurrent scans there are separate transactions. There each running scan holds a session advisory
lock keyed by its id instead, which the server releases when the scan's connection goes (also on
``kill -9``): a ``running`` scan whose lock nobody holds was interrupted.
"""

import fcntl
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, text

from inventory.errors import UserError
from inventory.messages import Said, say

SCAN_LOCK_CLASS = 0x7363616E  # the first key of a running scan's PostgreSQL advisory lock ("scan"); the second is its id
HELD = """
    select cast(objid as bigint) from pg_locks
    where locktype = 'advisory' and granted and objsubid = 2 and classid = cast(:key as oid)
      and database = (select oid from pg_database where datname = current_database())"""  # the ids of the held scan locks


class DatabaseBusy(Said):
    """Another scan is writing to the database: shown as one line, exit 3."""


def lock_path(database: str) -> Path | None:
    """``<database>.lock`` for a SQLite URL, None for a server database."""
    if not database.startswith("sqlite:///"):
        return None
    return Path(database.removeprefix("sqlite:///") + ".lock")


@contextmanager
def scan_lock(database: str) -> Iterator[None]:
    """Hold the scan lock of a SQLite database, or raise DatabaseBusy naming the scan that holds it."""
    path = lock_path(database)
    if path is None:
        yield
        return
    try:
        handle = open(path, "a+", encoding="utf-8")
    except FileNotFoundError:
        raise UserError("lock.no_directory", path=path.parent) from None
    except OSError as exc:
        raise UserError("lock.unopenable", path=path, reason=exc.strerror) from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or say("lock.another_process")
            raise DatabaseBusy("lock.busy", database=path.with_suffix(""), holder=holder) from None
        handle.truncate(0)
        handle.write(say("lock.holder", pid=os.getpid(), host=socket.gethostname(), since=f"{datetime.now(UTC):%Y-%m-%d %H:%M:%S}") + "\n")
        handle.flush()
        try:
            yield
        finally:
            handle.truncate(0)


def hold_scan_lock(conn: Connection, scan_id: int) -> None:
    """PostgreSQL: take the session advisory lock of a running scan on the connection that stays open
    while it runs; take it before the scan's row is committed, so no running scan is seen without it."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("select pg_advisory_lock(:key, :scan_id)"), {"key": SCAN_LOCK_CLASS, "scan_id": scan_id})


def mark_interrupted(conn: Connection) -> list[int]:
    """PostgreSQL: mark ``interrupted`` the running scans whose advisory lock nobody holds (their
    process is gone); returns their ids. One statement: a scan that starts meanwhile is not seen."""
    marked = conn.execute(text(f"update scan set status = 'interrupted' where status = 'running' and id not in ({HELD})"
                               " returning id"), {"key": SCAN_LOCK_CLASS})
    return sorted(marked.scalars())


def scans_held(conn: Connection) -> set[int]:
    """PostgreSQL: the ids of the scans whose advisory lock a live session holds (their process runs)."""
    return set(conn.execute(text(HELD), {"key": SCAN_LOCK_CLASS}).scalars())


def scan_running(database: str, conn: Connection | None = None, scan_id: int | None = None) -> bool | None:
    """Whether a scan holds the lock of this SQLite database now, or (PostgreSQL, given ``conn`` and
    ``scan_id``) that scan's advisory lock; None when that cannot be known."""
    path = lock_path(database)
    if path is None:
        return None if conn is None or scan_id is None else scan_id in scans_held(conn)
    try:
        with open(path, encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except FileNotFoundError:
        return False
    except BlockingIOError:
        return True
    except OSError:
        return None
    return False
