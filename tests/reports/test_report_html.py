"""The HTML report: self-contained, escaped, bilingual; a scorecard first and every non-pass finding in its data."""

import base64
import hashlib
import io
import json
import re
from html import unescape
from html.parser import HTMLParser

from inventory.tables import Finding
from inventory.vocabulary import SEVERITIES
from reports.data import STREAM_BATCH
from reports.html import TEMPLATES, strings
from reports.write import write_report
from tests.support import store_findings


class Page(HTMLParser):
    """The parts of the report the tests look at: elements seen, scorecard cells, scripts and data blocks."""

    def __init__(self, text: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self.data: dict[str, str] = {}
        self.card: dict[tuple[str, str, str], str] = {}
        self._script: tuple[dict, str] | None = None
        self._pack = self._control = self._cell = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "table" and "scorecard" in attrs.get("class", ""):
            self._pack = attrs["data-pack"]
        elif tag == "tr" and self._pack and "data-control" in attrs:
            self._control = attrs["data-control"]
        elif tag == "td" and self._control and "data-status" in attrs:
            self._cell = attrs["data-status"]
        elif tag == "script":
            self._script = (attrs, "")

    def handle_endtag(self, tag):
        if tag == "table":
            self._pack = self._control = None
        elif tag == "td":
            self._cell = None
        elif tag == "script":
            attrs, text = self._script
            if attrs.get("type") == "application/json":
                self.data[attrs["id"]] = text
            else:
                self.scripts.append(text)
            self._script = None

    def handle_data(self, data):
        if self._script is not None:
            self._script = (self._script[0], self._script[1] + data)
        elif self._cell:
            self.card[(self._pack, self._control, self._cell)] = data

    @property
    def rows(self) -> list[dict]:
        """The findings of the table as dicts (the data block holds arrays in the meta's field order)."""
        fields = json.loads(self.data["report-meta"])["fields"]
        return [dict(zip(fields, row, strict=True)) for row in json.loads(self.data["report-rows"])]


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
    page = Page(text)
    assert all("<" not in block and ">" not in block and "&" not in block for block in page.data.values())
    nl = next(r for r in page.rows if r["uid"] == inventory.resources["nl"].uid)
    assert nl["name"] == script_name and nl["tags"]["classification"] == img_tag  # intact as data
    assert "<b>not authorised</b>" in unescape(text)  # collection error, escaped in the markup
    assert "alert(2)" in text and "<script>alert(2)" not in text  # evidence cannot close the script block


def test_one_inline_script_pinned_by_csp_and_no_external_assets(inventory):
    text = render(inventory)
    page = Page(text)
    assert page.scripts == [(TEMPLATES / "report.js.j2").read_text(encoding="utf-8")]
    assert set(page.data) == {"report-meta", "report-rows"}
    csp = next(a["content"] for t, a in page.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    digest = base64.b64encode(hashlib.sha256(page.scripts[0].encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in csp and "default-src 'none'" in csp
    assert not [t for t, a in page.tags if "src" in a or t in ("link", "img", "iframe", "object")]
    markup = text.replace(page.scripts[0], "")  # the script only tests that links are https
    # only the escaped attacker URL, the SVG namespace and the remediation's documentation links (never loaded)
    assert not re.search(r"https?://(?!evil\.example|www\.w3\.org/2000/svg\b|example\.org/(eea|aws-scp)\b)", markup)


def test_every_non_pass_finding_is_in_the_table_data(inventory):
    rows = Page(render(inventory)).rows
    resources = {r.id: key for key, r in inventory.resources.items()}
    expected = sorted(
        (f.id, f.pack, f.control_id, f.status, f.severity, f.message, f.provider,
         "" if f.resource_id is None else (inventory.facts[resources[f.resource_id]].countries or ""))
        for f in scan_findings(inventory))
    got = sorted((r["id"], r["pack"], r["control_id"], r["status"], r["severity"], r["message"], r["provider"],
                  r["country"] or "") for r in rows)
    assert got == expected
    assert [r["severity"] for r in rows] == sorted((r["severity"] for r in rows), key=SEVERITIES.index)


def test_no_cap_on_large_selections(inventory):
    store_findings(inventory.engine, [Finding(scan_id=inventory.scan.id, pack="rijksbreed-2026", control_id="RBC26-ENCRYPT",
                                              status=status, check_status="fail", severity="low", message=f"bulk {i}")
                                      for i in range(STREAM_BATCH // 2 + 7) for status in ("fail", "error")])
    rows = Page(render(inventory)).rows
    assert len(rows) == len(scan_findings(inventory)) + 2 * (STREAM_BATCH // 2 + 7)
    assert len({r["id"] for r in rows}) == len(rows)


def test_pass_findings_are_counted_per_control_not_listed(inventory):
    text = render(inventory)
    assert "pass" not in {r["status"] for r in Page(text).rows}
    passes = [f for f in scan_findings(inventory, skip_pass=False) if f.status == "pass"]
    section = text[text.index('id="passes"'):]
    for f in passes:
        assert f"<strong>{f.control_id}</strong>" in section


def test_scorecard_counts_each_control_and_its_worst_status(inventory):
    text = render(inventory)
    page = Page(text)
    findings = scan_findings(inventory, skip_pass=False)
    for pack, cid in inventory.controls:
        for status in ("fail", "error", "transition", "manual", "explained", "pass"):
            n = sum(1 for f in findings if (f.pack, f.control_id, f.status) == (pack, cid, status))
            assert page.card[(pack, cid, status)] == str(n), (pack, cid, status)
    worst = {a["data-control"]: a["data-worst"] for t, a in page.tags if t == "tr" and "data-worst" in a}
    assert worst == {"RBC26-EEA": "fail", "RBC26-ENCRYPT": "error", "RBC22-PERSONAL": "pass", "JENV25-CSP-RISK": "fail"}
    rows = dict(re.findall(r'<tr data-control="([^"]+)"[^>]*>(.*?)</tr>', text, re.S))
    where = {cid: re.findall(r'<span data-provider="([^"]+)">\1 (\d+)</span>', row) for cid, row in rows.items()}
    assert where == {"RBC26-EEA": [("aws", "1")], "RBC26-ENCRYPT": [("gcp", "1")], "RBC22-PERSONAL": [],
                     "JENV25-CSP-RISK": [("aws", "1")]}  # fail or error findings per provider


def test_breakdowns_and_charts_count_every_finding(inventory):
    text = render(inventory)
    findings = scan_findings(inventory, skip_pass=False)
    by_provider = text[text.index('id="by-provider"'):]
    for provider in {f.provider for f in findings}:
        row = re.search(rf'<tr data-key="{provider}">(.*?)</tr>', by_provider, re.S).group(1)
        assert f'data-status="fail">{sum(f.provider == provider and f.status == "fail" for f in findings)}</td>' in row
    chart = text[text.index('id="chart-accounts"'):text.index("</svg>", text.index('id="chart-accounts"'))]
    assert re.search(r'data-label="aws 111111111111 \(ministerie-prod\)" data-total="2"', chart)  # us_fail + account_fail
    assert 'data-key="fail" data-n="2"' in chart


def test_citation_and_explanation_in_the_data(inventory):
    page = Page(render(inventory))
    meta = json.loads(page.data["report-meta"])
    control = inventory.controls[("rijksbreed-2026", "RBC26-EEA")]
    assert meta["controls"]["rijksbreed-2026|RBC26-EEA"]["quote"] == control.quote
    rows = {r["id"]: r for r in page.rows}
    explained = rows[inventory.findings["multi_explained"].id]["explained_by"]
    assert explained["justification"] == inventory.explain.justification
    assert rows[inventory.findings["global_transition"].id]["deadline"] == "2030-07-03"
    assert rows[inventory.findings["nl_error"].id]["evidence"]["failed_call"] == "storage.buckets.get"


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
    assert eea.title_nl in unescape(nl) and eea.title_en not in unescape(nl)
    assert eea.title_en in unescape(en) and eea.title_nl not in unescape(en)
    assert f">{strings()['nl']['findings']}<" in nl and f">{strings()['en']['findings']}<" in en
    assert strings()["nl"]["status_names"]["fail"] in nl and strings()["en"]["status_names"]["error"] in en
    assert f'<span id="scan-status">{strings()["nl"]["scan_status_names"]["partial"]}</span>' in nl
    assert f'<span id="profile">{strings()["en"]["profile_names"]["ministry"]}</span>' in en


def test_status_filter_limits_table_and_hides_pass_summary(inventory):
    page = Page(render(inventory, statuses=["fail"]))
    assert {r["status"] for r in page.rows} == {"fail"}
    assert not any(a.get("id") == "passes" for _, a in page.tags)
    only_pass = Page(render(inventory, statuses=["pass"]))
    assert only_pass.rows == [] and any(a.get("id") == "passes" for _, a in only_pass.tags)
