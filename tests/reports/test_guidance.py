"""A manual finding's guidance (how a person verifies the control) is shown in the report's language, in the JSON
and in the HTML report's data; a scan made before Dutch guidance shows its English guidance, marked as English."""

import io
import json

from sqlalchemy import text

from findings.packs import load_packs
from reports.html import TEMPLATES
from reports.write import write_report
from tests.checks.golden import golden_estate, stored
from tests.reports.test_report_html import Page
from tests.support import judge

PACK, CONTROL = "rijksbreed-2026", "RBC26-CLASSIFIED"


def _without_attestation(tmp_path):
    """A judged golden estate in which the attestation of RBC26-CLASSIFIED is missing: it is manual, with guidance."""
    estate = golden_estate()
    estate.attestations = [a for a in estate.attestations if a.control_id != CONTROL]
    engine, scan_id = stored(tmp_path, estate)
    judge(engine, scan_id, (PACK,))
    return engine, scan_id


def _report(engine, scan_id, fmt: str, lang: str) -> str:
    out = io.StringIO()
    write_report(engine, scan_id, fmt, out, lang=lang)
    return out.getvalue()


def _attestation(engine, scan_id, lang: str) -> dict:
    findings = json.loads(_report(engine, scan_id, "json", lang))["findings"]
    [finding] = [f for f in findings if f["control_id"] == CONTROL and f["check_id"] == "attestation"]
    assert finding["status"] == "manual"
    return finding


def _html_control(engine, scan_id, lang: str) -> dict:
    meta = json.loads(Page(_report(engine, scan_id, "html", lang)).data["report-meta"])
    return meta["controls"][f"{PACK}|{CONTROL}"]


def test_the_guidance_is_in_the_reports_language(tmp_path):
    engine, scan_id = _without_attestation(tmp_path)
    control = {c.id: c for c in load_packs()[PACK].control}[CONTROL]
    for lang, guidance in (("nl", control.manual_nl), ("en", control.manual_en)):
        finding = _attestation(engine, scan_id, lang)
        assert (finding["guidance"], finding["guidance_lang"]) == (guidance, lang)
        html = _html_control(engine, scan_id, lang)
        assert (html["guidance"], html["guidance_lang"]) == (guidance, lang)
    assert control.manual_nl.startswith("ABRO 2026: verkrijg")
    script = (TEMPLATES / "report.js.j2").read_text(encoding="utf-8")
    assert 'el("span", control.guidance)).lang = control.guidance_lang' in script


def test_a_scan_before_dutch_guidance_shows_the_english_marked_english(tmp_path):
    engine, scan_id = _without_attestation(tmp_path)
    with engine.begin() as conn:
        conn.execute(text("update pack_control set manual_nl = null where scan_id = :s"), {"s": scan_id})
    english = _attestation(engine, scan_id, "en")["guidance"]
    assert english.startswith("ABRO 2026: for each")
    finding = _attestation(engine, scan_id, "nl")
    assert (finding["guidance"], finding["guidance_lang"]) == (english, "en")
    html = _html_control(engine, scan_id, "nl")
    assert (html["guidance"], html["guidance_lang"]) == (english, "en")


def test_only_a_manual_finding_carries_guidance(tmp_path):
    engine, scan_id = _without_attestation(tmp_path)
    findings = json.loads(_report(engine, scan_id, "json", "nl"))["findings"]
    assert {f["status"] for f in findings if f["guidance"]} == {"manual"}
    assert all(f["guidance_lang"] is None for f in findings if f["status"] != "manual")
