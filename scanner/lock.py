"""One scan at a time per SQLite file: a lock file next to the database, held while a scan writes.

The kernel releases the lock when its process ends, however it ends (also ``kill -9``), so a
``running`` scan in a database whose lock is free was interrupted. PostgreSQL needs no lock file:
concurrent scans there are separate transactions.
"""

import fcntl
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from inventory.errors import UserError
from inventory.messages import Said, say


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


def scan_running(database: str) -> bool | None:
    """Whether a scan holds the lock of this SQLite database now; None when that cannot be known (PostgreSQL)."""
    path = lock_path(database)
    if path is None:
        return None
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
