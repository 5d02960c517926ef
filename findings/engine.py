"""The findings engine: runs each check's SQL over the inventory and stores findings.

Order of work for one scan:
1. the packs' controls, the checks' SQL and the message templates are copied into ``pack_control``,
   ``check_source`` and ``message_template``;
2. for each control, each of its checks runs inside the database as ``INSERT INTO finding_draft
   SELECT ... FROM (<check SQL>)``: every row becomes one draft finding, its extra columns the evidence
   (a JSON object); nothing passes through Python, so a million findings cost no memory. The row's
   ``message_key`` names a template of ``policies/messages/<check>.toml``; the columns its
   placeholders name become ``message_params``, and ``message`` is the English rendering, built in SQL;
3. controls without checks get one ``manual`` finding;
4. the rules in ``policies/rules/`` run as SQL over the drafts, in this order: ``error``, ``error_subject`` and
   ``error_added`` (failed collections turn account-level findings into ``error``, a failed call for one
   resource that resource's findings, and an ``error`` is added where none results),
   ``nothing_judged`` (a control without findings gets ``not_applicable`` or ``manual``),
   ``transition_evidence`` and ``transition`` (2026 transition period, parameters from
   ``pack_control``), ``explained`` (comply-or-explain entries, only on controls with an explain
   route) and ``accepted_risk`` (recorded on findings that stay ``fail``); then the English message of
   the findings the rules wrote is rendered, and a deadline's transition period appended to it;
5. the drafts are stored (``inventory.drafts``): what each finding says once, shared with earlier scans
   that judged the same, and one small row per finding of the scan; the view ``finding`` shows them.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Connection, Engine, insert, text

from findings.packs import Check, Control, Pack, load_checks, parameters
from inventory.db import Writer, analyze, finding_key
from inventory.drafts import DRAFT, index_drafts, open_drafts, set_draft_keys, store_drafts
from inventory.rows import CheckSource, MessageTemplate, PackControl
from inventory.vocabulary import STATUSES
from policies import ROOT
from policies.messages import placeholders, sql_render, templates_of

REQUIRED_COLUMNS = ("provider", "account_id", "resource_id", "status", "message_key")
RULES = ("error", "error_subject", "error_added", "nothing_judged", "transition_evidence", "transition", "explained", "accepted_risk")
# The rows one check just wrote (draft ids from :first to :last) outside the contract: a status not in the
# vocabulary, a message key without a template. Both bounds: PostgreSQL, without statistics on the draft, reads a
# range with both ends by its index, and the whole table for one end.
OUTSIDE_CONTRACT = text(
    "select 1 from finding_draft where id between :first and :last"
    f" and status not in ({', '.join(repr(s) for s in STATUSES)}) limit 1")
UNKNOWN_KEY = "select min(message_key) from finding_draft where id between :first and :last and message_key not in ({keys})"
LAST_DRAFT = text("select coalesce(max(id), 0) from finding_draft")
NO_CHECK_KEY = "rules.manual_only"  # the finding of a control without checks; the control's guidance follows it
TRANSITION_KEYS = {"fail": "rules.transition_ended", "other": "rules.transition_until"}  # after a deadline, by status


class CheckError(Exception):
    """A check's SQL returned something outside the contract."""


@dataclass(frozen=True)
class Params:
    scan_id: int
    scan_date: date
    profile: str
    due_soon_days: int = 365  # a transition deadline within this many days of the scan date is due soon

    def for_sql(self, sql: str, control_id: str | None = None) -> dict:
        values = {"scan_id": self.scan_id, "scan_date": self.scan_date.isoformat(), "profile": self.profile,
                  "control_id": control_id}
        return {name: values[name] for name in parameters(sql)}


def rule_sql(name: str) -> str:
    return (ROOT / "rules" / f"{name}.sql").read_text(encoding="utf-8")


def run_check(engine: Engine, check: Check, params: Params, control_id: str | None = None) -> Iterator[dict]:
    """Stream the rows of one check as dicts, validating the result contract."""
    with engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=5000).execute(
            text(check.sql), params.for_sql(check.sql, control_id))
        columns = list(result.keys())
        legacy = ("message_key",) if "message" in columns else ()  # a check stored before message templates
        missing = [c for c in REQUIRED_COLUMNS if c not in columns and c not in legacy]
        if missing:
            raise CheckError(f"check {check.id}: SQL does not return column(s) {', '.join(missing)}")
        for values in result:
            row = dict(zip(columns, values, strict=True))
            if row["status"] not in STATUSES:
                raise CheckError(f"check {check.id}: status {row['status']!r} is not one of {', '.join(STATUSES)}")
            yield row


KEY = finding_key("cast(:control_id as varchar)", "cast(:check_id as varchar)", "q.provider", "q.account_id",
                  "cast(q.resource_id as integer)")


def _json_object(dialect: str, columns: list[str]) -> str:
    """SQL building a JSON object from columns of the check's result (evidence, message parameters)."""
    if not columns:
        return "null"
    function = "json_build_object" if dialect == "postgresql" else "json_object"
    pairs = ", ".join(f"'{c.replace(chr(39), chr(39) * 2)}', q.\"{c}\"" for c in columns)
    return f"{function}({pairs})"


def _english(check_id: str, columns: list[str]) -> tuple[dict, list[str], str]:
    """The check's templates, the columns they name, and SQL rendering a row's message in English."""
    templates = templates_of(check_id)
    if not templates:
        raise CheckError(f"check {check_id}: no message templates in policies/messages/{check_id}.toml")
    wanted = sorted({name for texts in templates.values() for name in placeholders(texts["en"])})
    if set(wanted) - set(columns):
        raise CheckError(f"check {check_id}: SQL does not return the message parameter(s) "
                         f"{', '.join(sorted(set(wanted) - set(columns)))}")
    column = 'q."{}"'.format
    cases = " ".join(f"when '{key}' then {sql_render(texts['en'], column)}" for key, texts in templates.items())
    return templates, wanted, f"case q.message_key {cases} else q.message_key end"  # an unknown key is refused after


def insert_findings(conn: Connection, pack: Pack, control: Control, check: Check, params: Params) -> None:
    """Judge in the database: one finding per row of the check's SQL, extra columns as evidence."""
    binds = params.for_sql(check.sql, control.id)
    columns = list(conn.execute(text(f"select * from (\n{check.sql}\n) q limit 0"), binds).keys())
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise CheckError(f"check {check.id}: SQL does not return column(s) {', '.join(missing)}")
    templates, wanted, english = _english(check.id, columns)
    status = "coalesce(q.status, 'null')"  # a null status is refused below, like any other outside the contract
    severity = "coalesce(q.severity, :severity)" if "severity" in columns else ":severity"
    guidance = control.manual_en if control.manual_en and not check.providers else None  # organisation-level: attestation
    message = f"case when q.status = 'manual' then {english} || ' ' || :guidance else {english} end" if guidance \
        else english
    dialect = conn.dialect.name
    evidence = _json_object(dialect, [c for c in columns if c not in REQUIRED_COLUMNS and c != "severity"])
    insert = text(
        "insert into finding_draft (scan_id, pack, control_id, check_id, status, check_status, severity, message, message_key,"
        " message_params, provider, account_id, resource_id, evidence, key)"
        f" select :scan_id, :pack, :control_id, :check_id, {status}, {status}, {severity}, {message}, q.message_key,"
        f" {_json_object(dialect, wanted)}, q.provider, q.account_id, cast(q.resource_id as integer), {evidence}, {KEY}"
        f" from (\n{check.sql}\n) q")
    names = {"scan_id": params.scan_id, "pack": pack.id, "control_id": control.id, "check_id": check.id}
    first = conn.execute(LAST_DRAFT).scalar_one() + 1
    conn.execute(insert, binds | names | {"severity": control.severity, "guidance": guidance})
    written = {"first": first, "last": conn.execute(LAST_DRAFT).scalar_one()}
    if conn.execute(OUTSIDE_CONTRACT, written).first():
        raise CheckError(f"check {check.id}: returned a status that is not one of {', '.join(STATUSES)}")
    unknown = conn.execute(text(UNKNOWN_KEY.format(keys=", ".join(f"'{k}'" for k in templates))), written).scalar()
    if unknown:
        raise CheckError(f"check {check.id}: message_key {unknown!r} has no template in policies/messages/{check.id}.toml")


def write_metadata(writer: Writer, packs: Iterable[Pack], checks: dict[str, Check]) -> None:
    for pack in packs:
        for control in pack.control:
            transition = pack.pack.transition
            writer.add(PackControl(pack=pack.id, control_id=control.id, title_nl=control.title_nl,
                                   title_en=control.title_en, severity=control.severity, document=pack.pack.document,
                                   section=control.section, quote=control.quote, checks=";".join(control.checks),
                                   classifications=";".join(control.classifications) or None,
                                   evaluates=control.evaluates, evidence=control.evidence, manual=control.manual_en,
                                   manual_nl=control.manual_nl,
                                   transition=bool(transition and control.transition),
                                   transition_basis=control.transition_basis,
                                   existing_before=transition.existing_before if transition else None,
                                   transition_deadline=transition.deadline if transition else None,
                                   explain_route=control.explain.basis if control.explain.allowed else None,
                                   explain_requires=";".join(control.explain.requires) or None,
                                   remediation=control.remediation.model_dump(mode="json")))
    for check in checks.values():
        writer.add(CheckSource(check_id=check.id, sql=check.sql, sha256=check.sha256,
                               requires=";".join(check.requires), providers=";".join(check.providers)))
    for rule in RULES:
        sql = rule_sql(rule)
        writer.add(CheckSource(check_id=f"rule:{rule}", sql=sql,
                               sha256=Check(id=rule, description="", providers=(), sql=sql).sha256,
                               requires="", providers=""))
    for source in (*checks, "rules"):
        for key, texts in templates_of(source).items():
            writer.add(MessageTemplate(key=key, nl=texts["nl"], en=texts["en"]))


def dialect_sql(sql: str, dialect: str) -> str:
    """A rule's SQL for the database: the rules build JSON with SQLite's json_object, PostgreSQL's json_build_object."""
    return sql.replace("json_object(", "json_build_object(") if dialect == "postgresql" else sql


def _apply_rules(conn: Connection, params: Params) -> None:
    """Run the rules over the drafts, in order; their parameters beyond the scan come from pack_control."""
    binds = {"scan_id": params.scan_id, "scan_date": params.scan_date.isoformat(),
             "due_soon_until": (params.scan_date + timedelta(days=params.due_soon_days)).isoformat()}
    index_drafts(conn)
    analyze(conn, "finding_draft")  # PostgreSQL: the rules read the findings just written
    for rule in RULES:
        sql = rule_sql(rule)
        conn.execute(text(dialect_sql(sql, conn.dialect.name)), {name: binds[name] for name in parameters(sql)})
    _english_messages(conn, params.scan_id)


def _english_messages(conn: Connection, scan_id: int) -> None:
    """The English ``message`` of the findings the rules wrote, and the transition period after any deadline."""
    templates = templates_of("rules")
    param = ("json_extract(message_params, '$.{}')" if conn.dialect.name == "sqlite" else "(message_params ->> '{}')").format
    written = {key: texts["en"] for key, texts in templates.items() if key not in (NO_CHECK_KEY, *TRANSITION_KEYS.values())}
    conn.execute(text(
        "update finding_draft set message = case message_key "
        + " ".join(f"when '{key}' then {sql_render(en, param)}" for key, en in written.items())
        + f" end where scan_id = :scan_id and message_key in ({', '.join(repr(k) for k in written)})"), {"scan_id": scan_id})
    period = {status: sql_render(templates[key]["en"], lambda _: "deadline") for status, key in TRANSITION_KEYS.items()}
    conn.execute(text(f"update finding_draft set message = message || ' ' || case when status = 'fail' then {period['fail']}"
                      f" else {period['other']} end where scan_id = :scan_id and deadline is not null"), {"scan_id": scan_id})


def evaluate(engine: Engine, packs: list[Pack], params: Params) -> dict[str, int]:
    """Judge one scan against the packs and store its findings; returns the number of findings per status."""
    checks = load_checks()
    used = {cid: checks[cid] for pack in packs for control in pack.control for cid in control.checks}
    writer = Writer(engine, params.scan_id)
    write_metadata(writer, packs, used)
    writer.flush()  # checks may read pack_control
    with engine.connect() as conn:
        open_drafts(conn)
        for pack in packs:
            for control in pack.control:
                for check_id in control.checks:
                    insert_findings(conn, pack, control, used[check_id], params)
        manual = [{"scan_id": params.scan_id, "pack": pack.id, "control_id": control.id, "status": "manual",
                   "check_status": "manual", "severity": control.severity, "message_key": NO_CHECK_KEY,
                   "message": f"{templates_of('rules')[NO_CHECK_KEY]['en']} {control.manual_en}"}
                  for pack in packs for control in pack.control if not control.checks]
        if manual:
            conn.execute(insert(DRAFT), manual)
        conn.commit()
        _apply_rules(conn, params)
        set_draft_keys(conn)
        counts = dict(conn.execute(text("select status, count(*) from finding_draft group by status")).all())
        conn.commit()
        store_drafts(conn)
        conn.commit()
    return counts
