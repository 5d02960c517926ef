"""Report data of one scan: the scan, its collection errors and its findings with their context.

Findings are streamed from the database (``yield_per``: a server-side cursor on PostgreSQL)
and written as they arrive, so a million findings never sit in memory at once; each control's
title, citation and remediation are read once per report.
"""

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import orjson
from sqlalchemy import Engine, and_, case, func, literal, select

from inventory.errors import UserError
from inventory.tables import (
    Account,
    Collection,
    FactResource,
    Finding,
    FindingTransition,
    MessageTemplate,
    PackControl,
    RegisterAcceptedRisk,
    RegisterExplain,
    Resource,
    Scan,
)
from inventory.vocabulary import SEVERITIES
from policies.messages import render

LANGS = ("nl", "en")
# Version of the JSON report's layout. 1: release 0.1.0 (no schema_version field); 2: adds
# schema_version and each finding's key; 3: message in the report's language (was English), with
# message_lang, message_key and message_params; adds accepted_risk, transition, guidance and guidance_lang. Raise it
# when a field changes or goes; adding one keeps it.
REPORT_SCHEMA_VERSION = 3
FINISHED = ("complete", "partial")  # scans whose findings were all judged
STREAM_BATCH = 5000  # findings per fetch from the database

_f, _c, _r = Finding.__table__, PackControl.__table__, Resource.__table__
_fr, _e, _a = FactResource.__table__, RegisterExplain.__table__, Account.__table__
_k, _t = RegisterAcceptedRisk.__table__, FindingTransition.__table__
_m, _p = MessageTemplate.__table__.alias("m"), MessageTemplate.__table__.alias("p")  # the message, the transition period
_PERIOD = case((_f.c.deadline.is_(None), None), (_f.c.status == "fail", literal("rules.transition_ended")),
               else_=literal("rules.transition_until"))
MESSAGE_COLUMNS = {  # what message() reads
    "status": _f.c.status, "deadline": _f.c.deadline, "message": _f.c.message, "message_key": _f.c.message_key,
    "message_params": _f.c.message_params, "template_nl": _m.c.nl, "template_en": _m.c.en,
    "period_nl": _p.c.nl, "period_en": _p.c.en,
}


def with_messages(joined):
    """``joined`` (the finding table, or a join starting from it) joined to the message templates of its scan."""
    return (joined.outerjoin(_m, and_(_m.c.scan_id == _f.c.scan_id, _m.c.key == _f.c.message_key))
            .outerjoin(_p, and_(_p.c.scan_id == _f.c.scan_id, _p.c.key == _PERIOD)))


_COLUMNS = {
    "id": _f.c.id, "pack": _f.c.pack, "control_id": _f.c.control_id, "check_id": _f.c.check_id,
    "status": _f.c.status, "check_status": _f.c.check_status, "severity": _f.c.severity,
    "message": _f.c.message, "deadline": _f.c.deadline, "provider": _f.c.provider,
    "account_id": _f.c.account_id, "resource_id": _f.c.resource_id, "evidence": _f.c.evidence, "key": _f.c.key,
    "account_name": _a.c.name,
    "r_provider": _r.c.provider, "r_account_id": _r.c.account_id, "r_uid": _r.c.uid,
    "r_name": _r.c.name, "r_type": _r.c.type, "r_region": _r.c.region, "r_tags": _r.c.tags,
    "location_kind": _fr.c.location_kind, "countries": _fr.c.countries,
    "explain_id": _e.c.id, "e_control_id": _e.c.control_id, "e_provider": _e.c.provider,
    "e_account_id": _e.c.account_id, "e_resource_uid": _e.c.resource_uid,
    "justification": _e.c.justification, "approver": _e.c.approver,
    "approved_on": _e.c.approved_on, "expires": _e.c.expires,
    **MESSAGE_COLUMNS,
    "risk_id": _k.c.id, "risk_justification": _k.c.justification, "risk_approver": _k.c.approver,
    "risk_approved_on": _k.c.approved_on, "risk_expires": _k.c.expires,
    "transition_outcome": _t.c.outcome, "due_soon": _t.c.due_soon,
}
# A control's columns, read once per report rather than joined (and their JSON parsed) per finding.
_CONTROL = {"title_nl": _c.c.title_nl, "title_en": _c.c.title_en, "document": _c.c.document,
            "section": _c.c.section, "quote": _c.c.quote, "remediation": _c.c.remediation, "guidance_en": _c.c.manual,
            "guidance_nl": _c.c.manual_nl}
_NO_CONTROL = dict.fromkeys(_CONTROL)
_FROM = (
    with_messages(_f).outerjoin(_r, _r.c.id == _f.c.resource_id)
    .outerjoin(_fr, _fr.c.resource_id == _f.c.resource_id)
    .outerjoin(_e, _e.c.id == _f.c.explain_id)
    .outerjoin(_a, and_(_a.c.scan_id == _f.c.scan_id, _a.c.provider == _f.c.provider, _a.c.account_id == _f.c.account_id))
    .outerjoin(_k, _k.c.id == _f.c.accepted_risk_id)
    .outerjoin(_t, _t.c.finding_id == _f.c.id)
)
SEVERITY_RANK = case({s: i for i, s in enumerate(SEVERITIES)}, value=_f.c.severity, else_=len(SEVERITIES))
STATUS_RANK = case({"fail": 0, "error": 1, "transition": 2, "manual": 3, "explained": 4}, value=_f.c.status, else_=5)


def iso(value: Any) -> Any:
    """Dates as ISO 8601 text; naive datetimes (SQLite drops the zone) are UTC."""
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def dumps(value: Any) -> str:
    """Compact JSON text (orjson; UTF-8 as is), dates and datetimes as ``iso`` writes them."""
    return orjson.dumps(value, default=iso, option=orjson.OPT_PASSTHROUGH_DATETIME).decode()


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise UserError("reports.language", lang=lang, langs=", ".join(LANGS))
    return lang


def finding_filter(scan_id: int, packs: list[str] | None, statuses: list[str] | None) -> list:
    """WHERE clauses selecting the findings of a scan, optionally only some packs and statuses."""
    where = [_f.c.scan_id == scan_id]
    if packs:
        where.append(_f.c.pack.in_(packs))
    if statuses:
        where.append(_f.c.status.in_(statuses))
    return where


def iter_findings(engine: Engine, scan_id: int, packs: list[str] | None = None, lang: str = "nl",
                  statuses: list[str] | None = None, by_severity: bool = False, limit: int | None = None) -> Iterator[dict]:
    """Stream the findings of a scan as report dicts (the JSON contract), in finding order or by severity."""
    check_lang(lang)
    where = finding_filter(scan_id, packs, statuses)
    order = [SEVERITY_RANK, STATUS_RANK, _f.c.pack, _f.c.control_id, _f.c.id] if by_severity else [_f.c.id]
    stmt = select(*(col.label(name) for name, col in _COLUMNS.items())).select_from(_FROM).where(*where).order_by(*order)
    if limit is not None:
        stmt = stmt.limit(limit)
    with engine.connect() as conn:
        controls = {(pack, control_id): dict(zip(_CONTROL, values, strict=True)) for pack, control_id, *values in
                    conn.execute(select(_c.c.pack, _c.c.control_id, *_CONTROL.values()).where(_c.c.scan_id == scan_id))}
        result = conn.execution_options(yield_per=STREAM_BATCH).execute(stmt)
        names = tuple(result.keys())
        for values in result:
            row = dict(zip(names, values, strict=True))
            row.update(controls.get((row["pack"], row["control_id"]), _NO_CONTROL))
            yield finding_dict(row, lang)


def finding_dict(row, lang: str) -> dict:
    """One finding as the JSON contract describes it, plus citation, explanation and ids."""
    account = None
    if row["provider"] or row["account_id"]:
        account = {"provider": row["provider"], "account_id": row["account_id"], "name": row["account_name"]}
    return {
        "id": row["id"], "control_id": row["control_id"], "pack": row["pack"], "status": row["status"],
        "severity": row["severity"], "title": row[f"title_{lang}"] or row["control_id"],
        "message": message(row, lang), "message_lang": lang if row["message_key"] else "en",
        "message_key": row["message_key"], "message_params": row["message_params"],
        "deadline": iso(row["deadline"]), "evidence": row["evidence"],
        "resource": resource_dict(row), "account": account,
        "citation": None if row["document"] is None else
        {"document": row["document"], "section": row["section"], "quote": row["quote"]},
        "explained_by": explain_dict(row), "check_id": row["check_id"], "check_status": row["check_status"],
        "key": row["key"],
        "remediation": remediation(row["remediation"], lang, row["provider"]),
        "accepted_risk": None if row["risk_id"] is None else {
            "id": row["risk_id"], "justification": row["risk_justification"], "approver": row["risk_approver"],
            "approved_on": iso(row["risk_approved_on"]), "expires": iso(row["risk_expires"])},
        "transition": None if row["transition_outcome"] is None else {
            "outcome": row["transition_outcome"], "due_soon": bool(row["due_soon"])},
        **dict(zip(("guidance", "guidance_lang"), guidance(row["guidance_nl"], row["guidance_en"], lang)
                   if row["status"] == "manual" else (None, None), strict=True)),
    }


def guidance(dutch: str | None, english: str | None, lang: str) -> tuple[str | None, str | None]:
    """A control's manual guidance and its language: ``lang``'s text, else (scans before Dutch guidance) the English."""
    text = dutch if lang == "nl" else english
    if text:
        return text, lang
    return (english, "en") if english else (None, None)


def message(row, lang: str) -> str:
    """The finding's message in ``lang``, from its scan's template; scans before templates keep their English message.

    After a deadline, the transition period (until, or ended on) follows it, as in the stored English message."""
    if row["message_key"] is None:
        return row["message"]
    text = render(row[f"template_{lang}"], row["message_params"], lang)
    if row["deadline"] is not None:
        text += " " + render(row[f"period_{lang}"], {"deadline": iso(row["deadline"])}, lang)
    return text


def remediation(stored: dict | None, lang: str, provider: str | None = None) -> dict | None:
    """A control's remediation in one language: its text and links, and the provider's own steps and links.

    With ``provider`` only that provider's entry (``provider_text``, its links first); without, all of them."""
    if not stored:
        return None
    own = {name: {"text": p[lang], "links": p.get("links", [])} for name, p in stored.get("providers", {}).items()}
    general = {"text": stored[lang], "links": stored.get("links", [])}
    if provider is None:
        return general | {"providers": own}
    mine = own.get(provider)
    return {"text": general["text"], "provider_text": mine and mine["text"],
            "links": [*(mine["links"] if mine else []), *general["links"]]}


def resource_dict(row) -> dict | None:
    if row["resource_id"] is None:
        return None
    country = None if row["location_kind"] == "global" else row["countries"]
    return {
        "provider": row["r_provider"] or row["provider"], "account_id": row["r_account_id"] or row["account_id"],
        "region": row["r_region"], "country": country, "location_kind": row["location_kind"],
        "type": row["r_type"], "uid": row["r_uid"], "name": row["r_name"], "tags": row["r_tags"],
    }


def explain_dict(row) -> dict | None:
    if row["explain_id"] is None:
        return None
    return {
        "id": row["explain_id"], "control_id": row["e_control_id"],
        "scope": {"provider": row["e_provider"], "account_id": row["e_account_id"], "resource_uid": row["e_resource_uid"]},
        "justification": row["justification"], "approver": row["approver"],
        "approved_on": iso(row["approved_on"]), "expires": iso(row["expires"]),
    }


def scan_dict(engine: Engine, scan_id: int) -> dict:
    with engine.connect() as conn:
        scan = conn.execute(select(Scan.__table__).where(Scan.__table__.c.id == scan_id)).mappings().first()
    if scan is None:
        raise UserError("reports.scan_missing", scan=scan_id)
    return {"id": scan["id"], "started_at": iso(scan["started_at"]), "finished_at": iso(scan["finished_at"]),
            "status": scan["status"], "tool_version": scan["tool_version"],
            "organisation_name": scan["organisation_name"], "organisation_profile": scan["organisation_profile"]}


def collection_errors(engine: Engine, scan_id: int) -> list[dict]:
    """Failed API call groups: what the scan could not observe."""
    t = Collection.__table__
    cols = (t.c.provider, t.c.estate, t.c.account_id, t.c.region, t.c.area, t.c.call, t.c.error, t.c.permission)
    stmt = (select(*cols).where(t.c.scan_id == scan_id, t.c.ok.is_(False))
            .order_by(t.c.provider, t.c.estate, t.c.account_id, t.c.area, t.c.call, t.c.id))
    with engine.connect() as conn:
        return [dict(row) for row in conn.execute(stmt).mappings()]


def latest_scan_id(engine: Engine, organisation: str | None = None, before: int | None = None) -> int | None:
    """The newest finished scan, complete or partial, of the organisation (None: of any organisation),
    optionally older than scan ``before``; None when there is none.

    Running, interrupted and failed scans are never the default: their findings were not all judged."""
    t = Scan.__table__
    where = [t.c.status.in_(FINISHED)]
    if organisation is not None:
        where.append(t.c.organisation_name == organisation)
    if before is not None:
        where.append(t.c.id < before)
    with engine.connect() as conn:
        return conn.execute(select(func.max(t.c.id)).where(*where)).scalar()


class Findings:
    """A lazy, re-iterable stream of report findings; each iteration runs the query again."""

    def __init__(self, engine: Engine, scan_id: int, packs, lang: str, statuses):
        self.args = (engine, scan_id, packs, lang, statuses)

    def __iter__(self) -> Iterator[dict]:
        return iter_findings(*self.args)


def report_data(engine: Engine, scan_id: int, packs: list[str] | None = None, lang: str = "nl",
                statuses: list[str] | None = None) -> dict:
    """The scan, its collection errors and its findings (a lazy stream: iterate, do not list a huge scan)."""
    check_lang(lang)
    return {"scan": scan_dict(engine, scan_id), "collection_errors": collection_errors(engine, scan_id),
            "findings": Findings(engine, scan_id, packs, lang, statuses)}
