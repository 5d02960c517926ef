"""Where a report may be written, and in which formats: light enough for the command line to check a target
before a scan starts, without loading the report writers (reports.write)."""

from pathlib import Path

from inventory.errors import UserError

FORMATS = ("html", "json", "csv", "ocsf", "cio")

# the first bytes of a SQLite database and of its write-ahead log: never overwritten by a report
SQLITE_MAGIC = (b"SQLite format 3\x00", bytes.fromhex("377f0682"), bytes.fromhex("377f0683"))


def check_target(path: Path) -> None:
    """Refuse a report path that is a directory, lacks its folder, or holds a SQLite database (one line)."""
    if path.is_dir():
        raise UserError("reports.is_directory", path=path)
    if not path.parent.is_dir():
        raise UserError("reports.no_folder", path=path, folder=path.parent)
    try:
        with open(path, "rb") as existing:
            head = existing.read(16)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise UserError("reports.unwritable", path=path, reason=exc.strerror) from None
    if head.startswith(SQLITE_MAGIC):
        raise UserError("reports.is_sqlite", path=path)
