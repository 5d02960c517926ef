"""Report data of one scan: the scan, its collection errors and its findings with their context.

Findings are streamed from the database in batches (a DBAPI cursor; server-side on PostgreSQL) and
written as they arrive, so a million findings never sit in memory at once. What repeats is worked out
once per report rather than per finding: each control's title, citation, guidance and remediation, the
message templates, and each distinct message.
"""

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import orjson
from sqlalchemy import Engine, Text, and_, case, cast, func, literal, select, tuple_

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
    ResourceRow,
    ResourceState,
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
MESSAGE_CACHE = 10_000  # distinct messages kept rendered; the cache starts afresh when full

_f, _c = Finding.__table__, PackControl.__table__
_rr, _r = ResourceRow.__table__, ResourceState.__table__  # a finding's resource: its row, then its state
_fr, _e, _a = FactResource.__table__, RegisterExplain.__table__, Account.__table__
_k, _t = RegisterAcceptedRisk.__table__, FindingTransition.__table__
_m, _p = MessageTemplate.__table__.alias("m"), MessageTemplate.__table__.alias("p")  # the message, the transition period
TRANSITION_ENDED, TRANSITION_UNTIL = "rules.transition_ended", "rules.transition_until"
_PERIOD = case((_f.c.deadline.is_(None), None), (_f.c.status == "fail", literal(TRANSITION_ENDED)),
               else_=literal(TRANSITION_UNTIL))
MESSAGE_COLUMNS = {  # what message() reads
    "status": _f.c.status, "deadline": _f.c.deadline, "message": _f.c.message, "message_key": _f.c.message_key,
    "message_params": _f.c.message_params, "template_nl": _m.c.nl, "template_en": _m.c.en,
    "period_nl": _p.c.nl, "period_en": _p.c.en,
}


def with_messages(joined):
    """``joined`` (the finding table, or a join starting from it) joined to the message templates of its scan."""
    return (joined.outerjoin(_m, and_(_m.c.scan_id == _f.c.scan_id, _m.c.key == _f.c.message_key))
            .outerjoin(_p, and_(_p.c.scan_id == _f.c.scan_id, _p.c.key == _PERIOD)))


def with_resource(joined):
    """``joined`` (the finding view, or a join starting from it) outer-joined to each finding's resource state. Not
    the view resource: on the right of an outer join SQLite would materialise it, every scan's resources."""
    return joined.outerjoin(_rr, _rr.c.id == _f.c.resource_id).outerjoin(_r, _r.c.id == _rr.c.state_id)


def _text(column):
    """A JSON column as its stored text, parsed here (orjson) rather than by the driver."""
    return cast(column, Text)


# The findings query's columns, in the order FindingBuilder unpacks them.
_COLUMNS = (
    _f.c.id, _f.c.pack, _f.c.control_id, _f.c.check_id, _f.c.status, _f.c.check_status, _f.c.severity,
    case((_f.c.message_key.is_(None), _f.c.message)), _f.c.message_key, _text(_f.c.message_params), _f.c.deadline,
    _f.c.provider, _f.c.account_id, _text(_f.c.evidence), _f.c.key, _a.c.name,
    _f.c.resource_id, _r.c.provider, _r.c.account_id, _r.c.region, _fr.c.countries, _fr.c.location_kind,
    _r.c.type, _r.c.uid, _r.c.name, _text(_r.c.tags),
    _e.c.id, _e.c.control_id, _e.c.provider, _e.c.account_id, _e.c.resource_uid, _e.c.justification,
    _e.c.approver, _e.c.approved_on, _e.c.expires,
    _k.c.id, _k.c.justification, _k.c.approver, _k.c.approved_on, _k.c.expires,
    _t.c.outcome, _t.c.due_soon,
)
_FROM = (
    with_resource(_f)
    .outerjoin(_fr, _fr.c.resource_id == _f.c.resource_id)
    .outerjoin(_e, _e.c.id == _f.c.explain_id)
    .outerjoin(_a, and_(_a.c.scan_id == _f.c.scan_id, _a.c.provider == _f.c.provider, _a.c.account_id == _f.c.account_id))
    .outerjoin(_k, _k.c.id == _f.c.accepted_risk_id)
    .outerjoin(_t, _t.c.finding_id == _f.c.id)
)
SEVERITY_RANK = case({s: i for i, s in enumerate(SEVERITIES)}, value=_f.c.severity, else_=len(SEVERITIES))
STATUS_RANK = case({"fail": 0, "error": 1, "transition": 2, "manual": 3, "explained": 4}, value=_f.c.status, else_=5)
SEVERITY_KEY = (SEVERITY_RANK, STATUS_RANK, _f.c.pack, _f.c.control_id)  # the order by severity; the id breaks ties


def iso(value: Any) -> Any:
    """Dates as ISO 8601 text; naive datetimes (SQLite drops the zone) are UTC."""
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def dumps(value: Any) -> str:
    """Compact JSON text (orjson; UTF-8 as is), dates and datetimes as ``iso`` writes them."""
    return dump_bytes(value).decode()


def dump_bytes(value: Any) -> bytes:
    """``dumps`` as UTF-8 bytes."""
    return orjson.dumps(value, default=iso, option=orjson.OPT_PASSTHROUGH_DATETIME)


def loads(text: str | None) -> Any:
    """A JSON column's value from its text (None for SQL null)."""
    return None if text is None else orjson.loads(text)


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise UserError("reports.language", lang=lang, langs=", ".join(LANGS))
    return lang


def finding_filter(scan_id: int, packs: list[str] | None, statuses: list[str] | None) -> list:
    """WHERE clauses selecting the findings of a scan, optionally only some packs and statuses."""
    return [_f.c.scan_id == scan_id, *_choice(packs, statuses)]


def _choice(packs: list[str] | None, statuses: list[str] | None) -> list:
    """The optional clauses: only these packs, only these statuses."""
    return [*([_f.c.pack.in_(packs)] if packs else []), *([_f.c.status.in_(statuses)] if statuses else [])]


def findings_where(conn, scan_id: int, packs: list[str] | None, statuses: list[str] | None) -> list:
    """WHERE clauses reading the scan's findings along their ids: a scan's findings lie in one id range, so the
    rows come in id order without a sort (``scan_id + 0`` keeps the database from choosing the scan's index instead)."""
    low, high = scan_id_range(conn, scan_id)
    return [_f.c.id.between(low, high), _f.c.scan_id + 0 == scan_id, *_choice(packs, statuses)]


def scan_id_range(conn, scan_id: int) -> tuple[int | None, int | None]:
    """The lowest and highest id of the scan's findings (None, None: it has none)."""
    return tuple(conn.execute(select(func.min(_f.c.id), func.max(_f.c.id)).where(_f.c.scan_id == scan_id)).one())


def slice_where(by_severity: bool, start: Any, stop: Any) -> list:
    """WHERE clauses keeping a contiguous slice of the findings in report order: from ``start`` up to, not
    including, ``stop`` (None: open), ids in finding order, ``SEVERITY_KEY`` values in severity order."""
    key = tuple_(*SEVERITY_KEY) if by_severity else _f.c.id
    value = (lambda bound: tuple_(*bound)) if by_severity else (lambda bound: bound)
    return [*([key >= value(start)] if start is not None else []), *([key < value(stop)] if stop is not None else [])]


def _findings_query(conn, scan_id: int, packs: list[str] | None, statuses: list[str] | None, by_severity: bool,
                    part: tuple = (None, None)):
    """The scan's findings (of ``part``, a slice as ``slice_where`` takes it), in finding order or by severity. A
    slice of ids with both ends needs not look up the scan's id range."""
    bounded = not by_severity and None not in part
    where = [_f.c.scan_id + 0 == scan_id, *_choice(packs, statuses)] if bounded else findings_where(conn, scan_id, packs, statuses)
    where += slice_where(by_severity, *part)
    order = [*SEVERITY_KEY, _f.c.id] if by_severity else [_f.c.id]
    return select(*_COLUMNS).select_from(_FROM).where(*where).order_by(*order)


def iter_findings(engine: Engine, scan_id: int, packs: list[str] | None = None, lang: str = "nl",
                  statuses: list[str] | None = None, by_severity: bool = False) -> Iterator[dict]:
    """Stream the findings of a scan as report dicts (the JSON contract), in finding order or by severity."""
    for batch in finding_batches(engine, scan_id, packs, lang, statuses, by_severity):
        yield from batch


def finding_batches(engine: Engine, scan_id: int, packs: list[str] | None = None, lang: str = "nl",
                    statuses: list[str] | None = None, by_severity: bool = False,
                    part: tuple = (None, None)) -> Iterator[Iterator[dict]]:
    """``iter_findings`` a batch at a time, optionally only a slice of them (``slice_where``). Each batch builds
    its report dicts as it is read, so a dict is gone before the next is built (fewer garbage collections)."""
    check_lang(lang)
    with engine.connect() as conn:
        build = FindingBuilder(conn, scan_id, lang)
        for rows in _batches(conn, _findings_query(conn, scan_id, packs, statuses, by_severity, part)):
            yield map(build, rows)


def _batches(conn, stmt) -> Iterator[list[tuple]]:
    """The statement's rows as the driver's tuples, STREAM_BATCH at a time, from a DBAPI cursor: none of
    SQLAlchemy's per-row work (on PostgreSQL a server-side cursor, so the rows are fetched as they are read)."""
    compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    params = [compiled.params[name] for name in compiled.positiontup] if compiled.positional else compiled.params
    dbapi = conn.connection.dbapi_connection
    cursor = dbapi.cursor("report_findings") if conn.dialect.name == "postgresql" else dbapi.cursor()
    try:
        cursor.execute(str(compiled), params)
        while rows := cursor.fetchmany(STREAM_BATCH):
            yield rows
    finally:
        cursor.close()


class FindingBuilder:
    """Turns a row of the findings query into the report's dict. What repeats is worked out once per report:
    each control's title, citation, guidance and remediation per provider, and each distinct message."""

    def __init__(self, conn, scan_id: int, lang: str):
        self.lang = lang
        self.controls = {(pack, control_id): self._control(control_id, *values) for pack, control_id, *values in conn.execute(
            select(_c.c.pack, _c.c.control_id, _c.c[f"title_{lang}"], _c.c.document, _c.c.section, _c.c.quote,
                   _c.c.manual_nl, _c.c.manual, _c.c.remediation).where(_c.c.scan_id == scan_id))}
        self.templates = dict(conn.execute(select(_m.c.key, _m.c[lang]).where(_m.c.scan_id == scan_id)).all())
        self.remediations: dict[tuple, dict | None] = {}
        self.messages: dict[tuple, tuple[str, Any]] = {}

    def _control(self, control_id, title, document, section, quote, dutch, english, fix) -> tuple:
        citation = None if document is None else {"document": document, "section": section, "quote": quote}
        return title or control_id, citation, guidance(dutch, english, self.lang), fix

    def _remediation(self, pack: str, control_id: str, provider: str | None) -> dict | None:
        key = (pack, control_id, provider)
        if key not in self.remediations:
            control = self.controls.get((pack, control_id))
            self.remediations[key] = remediation(control and control[3], self.lang, provider)
        return self.remediations[key]

    def _message(self, key: str | None, params: str | None, deadline: date | None, status: str) -> tuple[str | None, Any]:
        """The message in the report's language and its parameters, rendered once per distinct message (a bounded cache)."""
        cache_key = (key, params, deadline, status)
        found = self.messages.get(cache_key)
        if found is None:
            values = loads(params)
            period = None if deadline is None else self.templates.get(TRANSITION_ENDED if status == "fail" else TRANSITION_UNTIL)
            text = message_text(self.templates.get(key), values, deadline, period, self.lang)
            if len(self.messages) >= MESSAGE_CACHE:
                self.messages.clear()
            found = self.messages[cache_key] = (text, values)
        return found

    def __call__(self, row: tuple) -> dict:
        """One finding as the JSON contract describes it, plus citation, explanation and ids."""
        (fid, pack, control_id, check_id, status, check_status, severity, stored_message, message_key, params, deadline,
         provider, account_id, evidence, key, account_name,
         resource_id, r_provider, r_account_id, region, countries, location_kind, kind, uid, name, tags,
         explain_id, e_control_id, e_provider, e_account_id, e_uid, justification, approver, approved_on, expires,
         risk_id, risk_justification, risk_approver, risk_approved_on, risk_expires,
         outcome, due_soon) = row
        title, citation, (guide, guide_lang), _ = self.controls.get((pack, control_id)) or (control_id, None, (None, None), None)
        text, values = self._message(message_key, params, deadline, status) if message_key else (stored_message, loads(params))
        manual = status == "manual"
        return {
            "id": fid, "control_id": control_id, "pack": pack, "status": status, "severity": severity, "title": title,
            "message": text, "message_lang": self.lang if message_key else "en", "message_key": message_key,
            "message_params": values, "deadline": iso(deadline), "evidence": loads(evidence),
            "resource": None if resource_id is None else {
                "provider": r_provider or provider, "account_id": r_account_id or account_id, "region": region,
                "country": None if location_kind == "global" else countries, "location_kind": location_kind,
                "type": kind, "uid": uid, "name": name, "tags": loads(tags)},
            "account": {"provider": provider, "account_id": account_id, "name": account_name} if provider or account_id else None,
            "citation": citation,
            "explained_by": None if explain_id is None else {
                "id": explain_id, "control_id": e_control_id,
                "scope": {"provider": e_provider, "account_id": e_account_id, "resource_uid": e_uid},
                "justification": justification, "approver": approver, "approved_on": iso(approved_on), "expires": iso(expires)},
            "check_id": check_id, "check_status": check_status, "key": key,
            "remediation": self._remediation(pack, control_id, provider),
            "accepted_risk": None if risk_id is None else {
                "id": risk_id, "justification": risk_justification, "approver": risk_approver,
                "approved_on": iso(risk_approved_on), "expires": iso(risk_expires)},
            "transition": None if outcome is None else {"outcome": outcome, "due_soon": bool(due_soon)},
            "guidance": guide if manual else None, "guidance_lang": guide_lang if manual else None,
        }


def guidance(dutch: str | None, english: str | None, lang: str) -> tuple[str | None, str | None]:
    """A control's manual guidance and its language: ``lang``'s text, else (scans before Dutch guidance) the English."""
    text = dutch if lang == "nl" else english
    if text:
        return text, lang
    return (english, "en") if english else (None, None)


def message_text(template: str | None, params: dict | None, deadline: date | None, period: str | None, lang: str) -> str:
    """A message rendered from its template; after a deadline, the transition period (until, or ended on)
    follows it, as in the stored English message."""
    text = render(template, params, lang)
    if deadline is not None:
        text += " " + render(period, {"deadline": iso(deadline)}, lang)
    return text


def message(row, lang: str) -> str:
    """The finding's message in ``lang``, from its scan's template (``MESSAGE_COLUMNS``); scans before templates
    keep their English message."""
    if row["message_key"] is None:
        return row["message"]
    return message_text(row[f"template_{lang}"], row["message_params"], row["deadline"], row[f"period_{lang}"], lang)


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
    """A lazy, re-iterable stream of report findings; each iteration runs the query again. ``workers``: the
    processes a writer may split it over (reports.parts; None: one per core)."""

    def __init__(self, engine: Engine, scan_id: int, packs, lang: str, statuses, workers: int | None = None):
        self.engine, self.workers = engine, workers
        self.args = (engine, scan_id, packs, lang, statuses)

    def __iter__(self) -> Iterator[dict]:
        return iter_findings(*self.args)


def report_data(engine: Engine, scan_id: int, packs: list[str] | None = None, lang: str = "nl",
                statuses: list[str] | None = None, workers: int | None = None) -> dict:
    """The scan, its collection errors and its findings (a lazy stream: iterate, do not list a huge scan)."""
    check_lang(lang)
    return {"scan": scan_dict(engine, scan_id), "collection_errors": collection_errors(engine, scan_id),
            "findings": Findings(engine, scan_id, packs, lang, statuses, workers)}
