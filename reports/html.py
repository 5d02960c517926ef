"""The HTML report: one self-contained file (inline CSS and JS, no external assets), everything escaped.

It opens with a scorecard (each control's worst status per pack, breakdowns and SVG charts) and
holds every finding other than ``pass``: they stream into a JSON data block that the inline
script pages, filters, searches and sorts, writing text only (never markup). Passes are counted
per control. The inline CSS and JS are pinned by hash in a Content-Security-Policy, so even a
missed escape could not run a script or load an image.
"""

import base64
import hashlib
import tomllib
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import IO, Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from sqlalchemy import Engine

from inventory.vocabulary import STATUSES
from reports.data import Findings, check_lang, collection_errors, dumps, scan_dict
from reports.diff import changes_since_previous
from reports.parts import Encoded, blocks
from reports.scorecard import control_info, scorecard
from reports.text import inert

TEMPLATES = Path(__file__).parent / "templates"
ROW_FIELDS = (
    "id", "pack", "control_id", "status", "severity", "message", "deadline", "provider", "account_id",
    "account_name", "name", "type", "uid", "region", "country", "evidence", "tags", "explained_by",
    "message_lang", "accepted_risk", "transition",
)
JS_STRINGS = (
    "all", "shown", "of", "page", "previous", "next", "details", "section", "evidence", "tags", "explained_by",
    "approver", "expires", "account_level", "overdue", "remediation", "documentation", "no_country", "no_match",
    "accepted_risk", "due_soon", "guidance",
)


@cache
def strings() -> dict[str, dict]:
    """UI strings per language (templates/strings.toml)."""
    return tomllib.loads((TEMPLATES / "strings.toml").read_text(encoding="utf-8"))


@cache
def environment() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True, finalize=_inert)


def _inert(value: Any) -> Any:
    """Every text a template prints, with bidirectional controls shown (our own Markup stays as it is)."""
    return inert(value) if isinstance(value, str) and not isinstance(value, Markup) else value


def inline(name: str) -> tuple[Markup, str]:
    """Our own static asset (inlined verbatim, not rendered; ``.j2`` so packaging ships it) and its CSP hash."""
    text = (TEMPLATES / name).read_text(encoding="utf-8")
    return Markup(text), csp_hash(text)


def csp_hash(text: str) -> str:
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
    return f"'sha256-{digest}'"


def script_json(value: Any) -> Markup:
    """JSON safe inside a ``<script type="application/json">`` block: no ``<``, ``>`` or ``&`` in the text."""
    text = inert(dumps(value))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def table_row(finding: dict) -> list:
    """A finding as the compact array the script reads (fields in ROW_FIELDS order)."""
    res, acct = finding["resource"] or {}, finding["account"] or {}
    explained = finding["explained_by"]
    return [
        finding["id"], finding["pack"], finding["control_id"], finding["status"], finding["severity"],
        finding["message"], finding["deadline"], res.get("provider") or acct.get("provider"),
        res.get("account_id") or acct.get("account_id"), acct.get("name"), res.get("name"), res.get("type"),
        res.get("uid"), res.get("region"), res.get("country"), finding["evidence"], res.get("tags") or None,
        explained and {k: explained[k] for k in ("justification", "approver", "approved_on", "expires")},
        finding["message_lang"], finding["accepted_risk"], finding["transition"],
    ]


class TableRow:
    """A finding as a line of the table's JSON array (``table_row``, safe in the script block)."""

    lead, separator = b"\n", b",\n"

    def __call__(self, finding: dict) -> bytes:
        return script_json(table_row(finding)).encode()


def row_chunks(rows: Encoded | None) -> Iterator[Markup]:
    """The findings as one JSON array, written in chunks as they stream from the database (or its parts' files)."""
    yield Markup("[")
    for chunk in rows or ():
        for text in blocks(chunk) if isinstance(chunk, Path) else (chunk,):
            yield Markup(text.decode())
    yield Markup("\n]")


def html_context(engine: Engine, scan_id: int, packs: list[str] | None = None, lang: str = "nl",
                 statuses: list[str] | None = None, workers: int | None = None) -> dict:
    """Everything the template needs; the findings are a lazy stream (whose worker processes, if any, start now)."""
    ui, scan = strings()[check_lang(lang)], scan_dict(engine, scan_id)
    table_statuses = [s for s in (statuses or STATUSES) if s != "pass"]
    findings = Findings(engine, scan_id, packs, lang, table_statuses, workers)
    rows = Encoded(findings, TableRow(), by_severity=True, first_here=False) if table_statuses else None
    script, script_hash = inline("report.js.j2")
    style, style_hash = inline("report.css.j2")
    meta = {"fields": ROW_FIELDS, "scan_date": (scan["started_at"] or "")[:10], "controls": control_info(engine, scan_id, lang),
            "t": {k: ui[k] for k in JS_STRINGS} | {"status_names": ui["status_names"], "severity_names": ui["severity_names"]}}
    card = scorecard(engine, scan_id, packs, lang)
    return {
        "changes": changes_since_previous(engine, scan_id),
        "lang": lang, "t": ui, "scan": scan, "card": card, "statuses": STATUSES,
        "errors": collection_errors(engine, scan_id), "meta": script_json(meta), "rows": row_chunks(rows),
        "table_total": sum(card["totals"].get(s, 0) for s in table_statuses),
        "passes": card["passes"] if not statuses or "pass" in statuses else None,
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "script": script, "style": style,
        "csp": f"default-src 'none'; script-src {script_hash}; style-src {style_hash}; base-uri 'none'; form-action 'none'",
    }


def write_html(context: dict, out: IO[str]) -> None:
    """Render the report, writing it as the template produces it."""
    for chunk in environment().get_template("report.html.j2").generate(**context):
        out.write(chunk)
