"""The HTML report: one self-contained file (inline CSS and JS, no external assets), everything escaped.

The table shows at most ``limit`` findings other than ``pass`` (most severe first); passes are
counted per control. The inline CSS and JS are pinned by hash in a Content-Security-Policy, so
even a missed escape could not run a script or load an image.
"""

import base64
import hashlib
import json
import tomllib
from collections import defaultdict
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import IO, Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from sqlalchemy import Engine, func, select

from inventory.tables import Finding, PackControl
from inventory.vocabulary import SEVERITIES, STATUSES
from reports.data import check_lang, collection_errors, finding_filter, iso, iter_findings, scan_dict

TEMPLATES = Path(__file__).parent / "templates"
DEFAULT_LIMIT = 5000


@cache
def strings() -> dict[str, dict]:
    """UI strings per language (templates/strings.toml)."""
    return tomllib.loads((TEMPLATES / "strings.toml").read_text(encoding="utf-8"))


@cache
def environment() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True)


def inline(name: str) -> tuple[Markup, str]:
    """Our own static asset (inlined verbatim, not rendered; ``.j2`` so packaging ships it) and its CSP hash."""
    text = (TEMPLATES / name).read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
    return Markup(text), f"'sha256-{digest}'"


def status_counts(engine: Engine, scan_id: int, packs: list[str] | None) -> list[dict]:
    """Per pack: its document and the number of findings per status."""
    f, c = Finding.__table__, PackControl.__table__
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    with engine.connect() as conn:
        stmt = select(f.c.pack, f.c.status, func.count()).where(*finding_filter(scan_id, packs, None)).group_by(f.c.pack, f.c.status)
        for pack, status, n in conn.execute(stmt):
            counts[pack][status] = n
        docs = dict(conn.execute(select(c.c.pack, func.min(c.c.document)).where(c.c.scan_id == scan_id).group_by(c.c.pack)).all())
    return [{"pack": pack, "document": docs.get(pack), "counts": counts[pack], "total": sum(counts[pack].values())}
            for pack in sorted(counts)]


def pass_counts(engine: Engine, scan_id: int, packs: list[str] | None, lang: str) -> list[dict]:
    """Passing findings counted per control."""
    f, c = Finding.__table__, PackControl.__table__
    title = c.c.title_en if lang == "en" else c.c.title_nl
    stmt = (select(f.c.pack, f.c.control_id, title, func.count())
            .select_from(f.outerjoin(c, (c.c.scan_id == f.c.scan_id) & (c.c.pack == f.c.pack) & (c.c.control_id == f.c.control_id)))
            .where(*finding_filter(scan_id, packs, ["pass"]))
            .group_by(f.c.pack, f.c.control_id, title).order_by(f.c.pack, f.c.control_id))
    with engine.connect() as conn:
        return [{"pack": p, "control_id": cid, "title": t or cid, "count": n} for p, cid, t, n in conn.execute(stmt)]


def evidence_items(value: Any) -> list[tuple[str, str]]:
    """Evidence as (key, text) pairs for a definition list; nested values as compact JSON text."""
    def text(v: Any) -> str:
        return v if isinstance(v, str) else json.dumps(v, ensure_ascii=False, default=iso)
    if isinstance(value, dict):
        return [(str(k), text(v)) for k, v in value.items()]
    return [] if value is None else [("", text(value))]


def table_row(finding: dict) -> dict:
    """A finding with the values its table row filters on."""
    res, acct = finding["resource"] or {}, finding["account"] or {}
    return {**finding, "filter_provider": res.get("provider") or acct.get("provider") or "",
            "filter_country": res.get("country") or "", "evidence_items": evidence_items(finding["evidence"]),
            "tag_items": evidence_items(res.get("tags") or None)}


def filter_options(rows: list[dict], ui: dict) -> dict[str, list[tuple[str, str]]]:
    """(value, label) choices per filter, from the rows the table shows."""
    def present(key: str) -> set[str]:
        return {row[key] for row in rows if row[key]}
    countries = {c for row in rows for c in row["filter_country"].split(";") if c}
    country_options = [(c, c) for c in sorted(countries)]
    if any(not row["filter_country"] for row in rows):
        country_options.append(("-", ui["no_country"]))
    return {
        "pack": [(p, p) for p in sorted(present("pack"))],
        "status": [(s, ui["status_names"][s]) for s in STATUSES if s in present("status")],
        "severity": [(s, ui["severity_names"][s]) for s in SEVERITIES if s in present("severity")],
        "provider": [(p, p) for p in sorted(present("filter_provider"))],
        "country": country_options,
    }


def html_context(engine: Engine, scan_id: int, packs: list[str] | None = None, lang: str = "nl",
                 statuses: list[str] | None = None, limit: int = DEFAULT_LIMIT) -> dict:
    """Everything the template needs; holds at most ``limit`` findings."""
    ui, scan = strings()[check_lang(lang)], scan_dict(engine, scan_id)
    summary = status_counts(engine, scan_id, packs)
    table_statuses = [s for s in (statuses or STATUSES) if s != "pass"]
    stream = iter_findings(engine, scan_id, packs, lang, table_statuses, by_severity=True, limit=limit)
    rows = [table_row(f) for f in stream] if table_statuses else []
    total = sum(n for pack in summary for s, n in pack["counts"].items() if s in table_statuses)
    script, script_hash = inline("report.js.j2")
    style, style_hash = inline("report.css.j2")
    return {
        "lang": lang, "t": ui, "scan": scan, "summary": summary, "statuses": STATUSES,
        "errors": collection_errors(engine, scan_id), "rows": rows, "total": total,
        "truncated": total > len(rows), "options": filter_options(rows, ui),
        "passes": pass_counts(engine, scan_id, packs, lang) if not statuses or "pass" in statuses else None,
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "script": script, "style": style,
        "csp": f"default-src 'none'; script-src {script_hash}; style-src {style_hash}; base-uri 'none'; form-action 'none'",
    }


def write_html(context: dict, out: IO[str]) -> None:
    """Render the report, writing it as the template produces it."""
    for chunk in environment().get_template("report.html.j2").generate(**context):
        out.write(chunk)

