"""Accepted risks and transition deadlines that end soon or have ended are shown: fields in the JSON report and
highlighted rows in the HTML report's data and script, with labels in Dutch and English."""

import io
import json
from datetime import UTC, date, datetime

from sqlmodel import Session

from inventory.tables import FindingRow, FindingTransition, RegisterAcceptedRisk
from reports.html import TEMPLATES, strings
from reports.write import write_report
from tests.reports.test_report_html import Page


def _with_risk_and_deadline(inv, outcome: str, due_soon: bool) -> RegisterAcceptedRisk:
    """An accepted risk on the account-level failure; the transition facts of the transition finding."""
    risk = RegisterAcceptedRisk(scan_id=inv.scan.id, control_id="JENV25-CSP-RISK", provider="aws", account_id="111111111111",
                                justification="<b>Vervanging gepland</b> in 2027", approver="CIO BZK",
                                approved_on=date(2026, 6, 1), expires=date(2027, 6, 1))
    with Session(inv.engine, expire_on_commit=False) as s:
        s.add(risk)
        s.flush()
        s.get(FindingRow, inv.findings["account_fail"].id).accepted_risk_id = risk.id  # a finding's own row
        s.add(FindingTransition(finding_id=inv.findings["global_transition"].id, scan_id=inv.scan.id,
                                existing_since=datetime(2024, 1, 1, tzinfo=UTC), existing_source="created", existing_before=date(2026, 7, 3),
                                deadline=date(2030, 7, 3), deadline_rule="policy", outcome=outcome, due_soon=due_soon))
        s.commit()
    return risk


def _json(inv, lang="nl") -> dict:
    out = io.StringIO()
    write_report(inv.engine, inv.scan.id, "json", out, lang=lang)
    return {f["id"]: f for f in json.loads(out.getvalue())["findings"]}


def test_json_carries_the_accepted_risk_and_the_transition_outcome(inventory):
    risk = _with_risk_and_deadline(inventory, "transition", True)
    found = _json(inventory)
    assert found[inventory.findings["account_fail"].id]["accepted_risk"] == {
        "id": risk.id, "justification": "<b>Vervanging gepland</b> in 2027", "approver": "CIO BZK",
        "approved_on": "2026-06-01", "expires": "2027-06-01"}
    assert found[inventory.findings["global_transition"].id]["transition"] == {"outcome": "transition", "due_soon": True}
    others = [f for i, f in found.items() if i not in (inventory.findings["account_fail"].id, inventory.findings["global_transition"].id)]
    assert all(f["accepted_risk"] is None and f["transition"] is None for f in others)


def test_html_rows_carry_them_and_the_script_highlights_them(inventory):
    _with_risk_and_deadline(inventory, "ended", False)
    for lang in ("nl", "en"):
        out = io.StringIO()
        write_report(inventory.engine, inventory.scan.id, "html", out, lang=lang)
        page = Page(out.getvalue())
        rows = {r["id"]: r for r in page.rows}
        assert rows[inventory.findings["account_fail"].id]["accepted_risk"]["approver"] == "CIO BZK"
        assert rows[inventory.findings["global_transition"].id]["transition"] == {"outcome": "ended", "due_soon": False}
        labels = json.loads(page.data["report-meta"])["t"]
        assert {labels[k] for k in ("accepted_risk", "due_soon", "overdue")} == {
            strings()[lang][k] for k in ("accepted_risk", "due_soon", "overdue")}
        assert "<b>Vervanging" not in out.getvalue()  # the justification is data for the script, never markup
    script = (TEMPLATES / "report.js.j2").read_text(encoding="utf-8")
    assert 'tr.outcome === "ended"' in script and "tr.due_soon" in script and "row[F.accepted_risk]" in script


def test_the_labels_exist_in_dutch_and_english():
    nl, en = strings()["nl"], strings()["en"]
    for key in ("accepted_risk", "due_soon", "overdue", "guidance"):
        assert nl[key] and en[key] and nl[key] != en[key], key
