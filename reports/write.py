"""Writing a report in one of its formats: html (admins), json, csv and ocsf (machines), cio (CIO Rijk)."""

import errno
import os
import tempfile
from functools import partial
from pathlib import Path
from typing import IO, Literal

from sqlalchemy import Engine

from inventory.errors import UserError
from reports.cio import cio_context, write_cio
from reports.cio_all import cio_all_context, write_cio_all
from reports.data import report_data
from reports.html import html_context, write_html
from reports.ocsf import write_ocsf
from reports.tabular import check_separator, write_csv, write_json
from reports.target import FORMATS, check_target


def write_atomically(path: Path, write) -> None:
    """Call ``write(out=stream)`` on a temporary file next to ``path``, then rename it into place:
    a failure (a full disk, say) leaves no partial report and an earlier file untouched."""
    check_target(path)
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise UserError("reports.unwritable", path=path, reason=exc.strerror) from None
    try:
        with open(handle, "w", encoding="utf-8", newline="") as stream:
            write(out=stream)
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except OSError as exc:
        reason = "the disk is full" if exc.errno in (errno.ENOSPC, errno.EDQUOT) else exc.strerror
        raise UserError("reports.unwritable", path=path, reason=reason) from None
    finally:
        Path(temporary).unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_report(engine: Engine, scan_id: int | None, fmt: Literal["html", "json", "csv", "cio", "cio-all"], out: IO[str] | Path,
                 packs: list[str] | None = None, lang: str = "nl", statuses: list[str] | None = None,
                 csv_separator: str = ",", workers: int | None = None) -> None:
    """Write the report of a scan to a text stream, or atomically to a file (UTF-8).

    Formats: html (admins), json, csv and ocsf (machines), cio (the notification report for CIO Rijk). ``workers``:
    the processes that write a large report's findings in parts (reports.parts; None: one per core)."""
    if isinstance(out, (str, Path)):
        check_target(Path(out))  # before any worker process starts
    if fmt == "html":
        write = partial(write_html, html_context(engine, scan_id, packs, lang, statuses, workers))
    elif fmt == "cio":
        write = partial(write_cio, cio_context(engine, scan_id, lang))
    elif fmt == "cio-all":  # every organisation's newest finished scans; scan_id is not used
        write = partial(write_cio_all, cio_all_context(engine, lang))
    elif fmt in ("json", "ocsf"):
        write = partial(write_json if fmt == "json" else write_ocsf, report_data(engine, scan_id, packs, lang, statuses, workers))
    elif fmt == "csv":
        write = partial(write_csv, report_data(engine, scan_id, packs, lang, statuses, workers), separator=check_separator(csv_separator))
    else:
        raise UserError("reports.format", format=fmt, formats=", ".join(FORMATS))
    if isinstance(out, (str, Path)):
        write_atomically(Path(out), write)
    else:
        write(out=out)
