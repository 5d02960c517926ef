"""Writing a report in one of its formats: html (admins), json and csv (machines), cio (CIO Rijk)."""

from contextlib import nullcontext
from functools import partial
from pathlib import Path
from typing import IO, Literal

from sqlalchemy import Engine

from inventory.errors import UserError
from reports.cio import cio_context, write_cio
from reports.cio_all import cio_all_context, write_cio_all
from reports.data import report_data
from reports.html import html_context, write_html
from reports.tabular import write_csv, write_json


def write_report(engine: Engine, scan_id: int | None, fmt: Literal["html", "json", "csv", "cio", "cio-all"], out: IO[str] | Path,
                 packs: list[str] | None = None, lang: str = "nl", statuses: list[str] | None = None,
                 html_limit: int = 5000) -> None:
    """Write the report of a scan to a text stream or a file (UTF-8); fails before creating the file.

    Formats: html (admins), json and csv (machines), cio (the notification report for CIO Rijk)."""
    if fmt == "html":
        write = partial(write_html, html_context(engine, scan_id, packs, lang, statuses, html_limit))
    elif fmt == "cio":
        write = partial(write_cio, cio_context(engine, scan_id, lang))
    elif fmt == "cio-all":  # every organisation's newest finished scans; scan_id is not used
        write = partial(write_cio_all, cio_all_context(engine, lang))
    elif fmt in ("json", "csv"):
        write = partial(write_json if fmt == "json" else write_csv, report_data(engine, scan_id, packs, lang, statuses))
    else:
        raise UserError(f"report format {fmt!r} is not supported; choose html, json, csv or cio")
    opened = open(out, "w", encoding="utf-8", newline="") if isinstance(out, (str, Path)) else nullcontext(out)
    with opened as stream:
        write(out=stream)
