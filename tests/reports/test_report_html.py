"""The HTML report: self-contained, escaped, bilingual, filterable, bounded for large scans."""

import base64
import hashlib
import io
import re
from html import unescape
from html.parser import HTMLParser

from sqlmodel import Session

from inventory.tables import Finding
from reports.html import TEMPLATES, strings
from reports.write import write_report


class Page(HTMLParser):
    """The parts of the report the tests look at: elements seen, findings rows, filters, scripts."""

    def __init__(self, text: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.rows: list[dict] = []
        self.filters: dict[str, list[str]] = {}
        self.scripts: list[str] = []
        self._table = self._select = self._script = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "table":
            self._table = attrs.get("id")
        elif tag == "tr" and self._table == "findings" and "data-status" in attrs:
            self.rows.append(attrs)
        elif tag == "select":
            self._select = attrs["data-filter"]
            self.filters[self._select] = []
        elif tag == "option" and self._select:
            self.filters[self._select].append(attrs["value"])
        elif tag == "script":
            self._script = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "table":
            self._table = None
        elif tag == "script":
            self.scripts.append(self._script)
            self._script = None

    def handle_data(self, data):
        if self._script is not None:
            self._script += data


def render(inv, **kwargs) -> str:
    out = io.StringIO()
    write_report(inv.engine, inv.scan.id, "html", out, **kwargs)
    return out.getvalue()


def scan_findings(inv, skip_pass=True) -> list[Finding]:
    return [f for f in inv.findings.values() if f.scan_id == inv.scan.id and not (skip_pass and f.status == "pass")]


def test_attacker_text_appears_only_escaped(inventory):
    script_name, img_tag = inventory.resources["nl"].name, inventory.resources["nl"].tags["classification"]
    assert script_name == "<script>alert(1)</script>" and img_tag == '"><img src=x onerror=alert(1)>'
    text = render(inventory)
    assert script_name not in text
    assert img_tag not in text and "<img" not in text and "<b>" not in text
    readable = unescape(text)  # what a reader sees: the text, intact
    assert script_name in readable and img_tag in readable  # resource name and tag value of the NL resource
    assert "<b>not authorised</b>" in readable  # collection error
    assert "alert(2)" in text and "<script>alert(2)" not in text  # evidence cannot close the script block


def test_one_inline_script_pinned_by_csp_and_no_external_assets(inventory):
    text = render(inventory)
    page = Page(text)
    assert page.scripts == [(TEMPLATES / "report.js.j2").read_text(encoding="utf-8")]
    csp = next(a["content"] for t, a in page.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    digest = base64.b64encode(hashlib.sha256(page.scripts[0].encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in csp and "default-src 'none'" in csp
    assert not [t for t, a in page.tags if "src" in a or t in ("link", "img", "iframe", "object")]
    assert not re.search(r"https?://(?!evil\.example)", text)  # only the escaped attacker URL


def test_rows_carry_filter_attributes_for_non_pass_findings(inventory):
    page = Page(render(inventory))
    resources = {r.id: key for key, r in inventory.resources.items()}
    expected = sorted(
        (f.pack, f.status, f.severity, f.provider,
         "" if f.resource_id is None else (inventory.facts[resources[f.resource_id]].countries or ""))
        for f in scan_findings(inventory))
    got = sorted((r["data-pack"], r["data-status"], r["data-severity"], r["data-provider"], r["data-country"]) for r in page.rows)
    assert got == expected
    assert set(page.filters) == {"pack", "status", "severity", "provider", "country"}
    assert set(page.filters["pack"]) == {""} | {f.pack for f in scan_findings(inventory)}
    assert {"US", "NL", "BE", "-"} <= set(page.filters["country"])


def test_pass_findings_are_counted_per_control_not_listed(inventory):
    page = Page(render(inventory))
    assert "pass" not in {r["data-status"] for r in page.rows}
    passes = [f for f in scan_findings(inventory, skip_pass=False) if f.status == "pass"]
    text = render(inventory)
    section = text[text.index('id="passes"'):]
    for f in passes:
        assert f"<strong>{f.control_id}</strong>" in section


def test_summary_counts_per_pack_and_status(inventory):
    text = render(inventory)
    summary = text[text.index('id="summary"'):text.index('id="errors"')]
    for pack in {f.pack for f in scan_findings(inventory, skip_pass=False)}:
        row = re.search(rf'<tr data-pack="{pack}">(.*?)</tr>', summary, re.S).group(1)
        for status in ("pass", "fail", "transition", "explained", "error"):
            n = sum(1 for f in scan_findings(inventory, skip_pass=False) if f.pack == pack and f.status == status)
            assert f'data-status="{status}">{n}</td>' in row


def test_citation_evidence_and_explanation_shown(inventory):
    text = render(inventory)
    control = inventory.controls[("rijksbreed-2026", "RBC26-EEA")]
    assert control.quote in unescape(text) and control.document in unescape(text)
    assert inventory.explain.justification in unescape(text)
    assert inventory.findings["global_transition"].deadline.isoformat() in text
    assert "storage.buckets.get" in text  # evidence value of the error finding


def test_collection_errors_listed(inventory):
    text = render(inventory)
    errors = text[text.index('id="errors"'):text.index('id="findings-title"')]
    for error in inventory.errors:
        assert error.call in errors
    assert "s3:ListBuckets" not in errors and "later scan error" not in text


def test_dutch_by_default_english_on_request(inventory):
    eea = inventory.controls[("rijksbreed-2026", "RBC26-EEA")]
    nl, en = render(inventory), render(inventory, lang="en")
    assert '<html lang="nl">' in nl and '<html lang="en">' in en
    assert eea.title_nl in nl and eea.title_en not in nl
    assert eea.title_en in en and eea.title_nl not in en
    assert f">{strings()['nl']['findings']}<" in nl and f">{strings()['en']['findings']}<" in en
    assert strings()["nl"]["status_names"]["fail"] in nl and strings()["en"]["status_names"]["error"] in en


def test_table_is_bounded_most_severe_first(inventory):
    with Session(inventory.engine) as s:
        s.add_all(Finding(scan_id=inventory.scan.id, pack="rijksbreed-2026", control_id="RBC26-ENCRYPT", status="fail",
                          check_status="fail", severity="low", message=f"bulk {i}") for i in range(30))
        s.add(Finding(scan_id=inventory.scan.id, pack="rijksbreed-2026", control_id="RBC26-ENCRYPT", status="fail",
                      check_status="fail", severity="critical", message="the worst"))
        s.commit()
    text = render(inventory, html_limit=3)
    page = Page(text)
    assert len(page.rows) == 3
    assert page.rows[0]["data-severity"] == "critical"
    total = len(scan_findings(inventory)) + 31
    assert strings()["nl"]["truncated"].format(total=total, shown=3) in unescape(text)


def test_status_filter_limits_table_and_hides_pass_summary(inventory):
    page = Page(render(inventory, statuses=["fail"]))
    assert {r["data-status"] for r in page.rows} == {"fail"}
    assert not any(a.get("id") == "passes" for _, a in page.tags)
    only_pass = Page(render(inventory, statuses=["pass"]))
    assert only_pass.rows == [] and any(a.get("id") == "passes" for _, a in only_pass.tags)
