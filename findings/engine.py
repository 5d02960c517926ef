"""The findings engine: runs each check's SQL over the inventory and stores findings.

Order of work for one scan:
1. the packs' controls and the checks' SQL are copied into ``pack_control`` and ``check_source``;
2. each check runs once (once per control when its SQL uses ``:control_id``) and every row
   becomes one finding per control that maps to the check; extra columns become evidence;
3. controls without checks get one ``manual`` finding;
4. the rules in ``policies/rules/`` run as SQL, in this order: ``error`` and ``error_added``
   (failed collections turn account-level findings into ``error``, or add one), ``transition``
   (2026 transition period) and ``explained`` (comply-or-explain entries).
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine, text

from connectors.base import json_safe
from findings.packs import STATUSES, Check, Control, Pack, load_checks, parameters
from policies import ROOT
from scanner.db import Writer
from scanner.models import CheckSource, Finding, PackControl

REQUIRED_COLUMNS = ("provider", "account_id", "resource_id", "status", "message")
RULES = ("error", "error_added", "transition", "explained")


class CheckError(Exception):
    """A check's SQL returned something outside the contract."""


@dataclass(frozen=True)
class Params:
    scan_id: int
    scan_date: date
    profile: str

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
        missing = [c for c in REQUIRED_COLUMNS if c not in columns]
        if missing:
            raise CheckError(f"check {check.id}: SQL does not return column(s) {', '.join(missing)}")
        for values in result:
            row = dict(zip(columns, values))
            if row["status"] not in STATUSES:
                raise CheckError(f"check {check.id}: status {row['status']!r} is not one of {', '.join(STATUSES)}")
            yield row


def _finding(pack: Pack, control: Control, check: Check, row: dict, scan_id: int) -> dict:
    evidence = {k: json_safe(v) for k, v in row.items() if k not in REQUIRED_COLUMNS and k != "severity"}
    message = row["message"] or ""
    if row["status"] == "manual" and control.manual and not check.providers:  # organisation-level: attestation
        message = f"{message} {control.manual}".strip()
    return {"scan_id": scan_id, "pack": pack.id, "control_id": control.id, "check_id": check.id,
            "status": row["status"], "check_status": row["status"], "severity": row.get("severity") or control.severity,
            "message": message, "deadline": None, "provider": row["provider"], "account_id": row["account_id"],
            "resource_id": row["resource_id"], "explain_id": None, "evidence": evidence or None}


def write_metadata(writer: Writer, packs: Iterable[Pack], checks: dict[str, Check], scan_id: int) -> None:
    for pack in packs:
        for control in pack.control:
            writer.add(PackControl(scan_id=scan_id, pack=pack.id, control_id=control.id, title_nl=control.title_nl,
                                   title_en=control.title_en, severity=control.severity, document=pack.pack.document,
                                   section=control.section, quote=control.quote, checks=";".join(control.checks),
                                   classifications=";".join(control.classifications) or None))
    for check in checks.values():
        writer.add(CheckSource(scan_id=scan_id, check_id=check.id, sql=check.sql, sha256=check.sha256,
                               requires=";".join(check.requires), providers=";".join(check.providers)))
    for rule in RULES:
        sql = rule_sql(rule)
        writer.add(CheckSource(scan_id=scan_id, check_id=f"rule:{rule}", sql=sql,
                               sha256=Check(id=rule, description="", providers=(), sql=sql).sha256,
                               requires="", providers=""))


def _apply_rules(engine: Engine, packs: Iterable[Pack], params: Params) -> None:
    with engine.begin() as conn:
        base = {"scan_id": params.scan_id, "scan_date": params.scan_date.isoformat()}
        conn.execute(text(rule_sql("error")), base)
        conn.execute(text(rule_sql("error_added")), base)
        for pack in packs:
            if not pack.pack.transition:
                continue
            controls = [c.id for c in pack.control if c.transition]
            for control_id in controls:
                conn.execute(text(rule_sql("transition")), base | {
                    "pack": pack.id, "control_id": control_id,
                    "existing_before": pack.pack.transition.existing_before.isoformat(),
                    "deadline": pack.pack.transition.deadline.isoformat()})
        conn.execute(text(rule_sql("explained")), base)


def evaluate(engine: Engine, packs: list[Pack], params: Params) -> dict[str, int]:
    """Judge one scan against the packs; returns the number of findings per status."""
    checks = load_checks()
    used = {cid: checks[cid] for pack in packs for control in pack.control for cid in control.checks}
    writer = Writer(engine, params.scan_id)
    write_metadata(writer, packs, used, params.scan_id)
    writer.flush()  # checks may read pack_control
    for check in used.values():
        targets = [(pack, control) for pack in packs for control in pack.control if check.id in control.checks]
        if "control_id" in parameters(check.sql):
            for pack, control in targets:
                for row in run_check(engine, check, params, control.id):
                    writer.add_values(Finding, _finding(pack, control, check, row, params.scan_id))
            continue
        for row in run_check(engine, check, params):
            for pack, control in targets:
                writer.add_values(Finding, _finding(pack, control, check, row, params.scan_id))
    for pack in packs:
        for control in pack.control:
            if not control.checks:
                writer.add_values(Finding, {
                    "scan_id": params.scan_id, "pack": pack.id, "control_id": control.id, "check_id": None,
                    "status": "manual", "check_status": "manual", "severity": control.severity,
                    "message": control.manual, "deadline": None, "provider": None, "account_id": None,
                    "resource_id": None, "explain_id": None, "evidence": None})
    writer.flush()
    _apply_rules(engine, packs, params)
    with engine.connect() as conn:
        return dict(conn.execute(text("select status, count(*) from finding where scan_id = :s group by status"),
                                 {"s": params.scan_id}).all())
