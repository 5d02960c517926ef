"""Finding messages are templates with parameters: every template exists in Dutch and English with the same
placeholders, every key a check or rule gives has one, the Dutch report shows no English finding message,
and a scan made before templates still shows its stored message."""

import gzip
import io
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sqlalchemy import text

from connectors.registry import TABLES
from findings.packs import load_checks
from inventory.db import connect, connect_readonly, create_schema
from policies.messages import MESSAGES_DIR, MessageError, _load, load_messages, placeholders, render
from reports.data import iter_findings, latest_scan_id
from reports.write import write_report
from tests.checks.golden import golden_estate, stored
from tests.reports.test_report_html import Page
from tests.support import judge

RULES_DIR = Path(__file__).parents[2] / "policies" / "rules"
KEY = re.compile(r"'((?:rules|[a-z0-9_]+)\.[a-z0-9_]+)'")  # a message key written in a check's or rule's SQL


def test_every_template_has_nl_and_en_with_the_same_placeholders():
    messages = load_messages()
    assert len(messages) > 100
    for key, texts in messages.items():
        assert sorted(texts) == ["en", "nl"], key
        assert texts["nl"] != texts["en"] or not re.search("[a-z]{4}", texts["en"]), f"{key}: nl is the English text"
        assert sorted(placeholders(texts["nl"])) == sorted(placeholders(texts["en"])), key


@pytest.mark.parametrize("content, error", [
    ('[x]\nnl = "Opgeslagen in {land}"\nen = "Stored in {country}"\n', r"nl has placeholders \['land'\], en has \['country'\]"),
    ('[x]\nen = "Stored in {country}"\n', "needs exactly nl and en"),
    ('[x]\nnl = "In {country!r}"\nen = "In {country!r}"\n', "is not a plain"),
])
def test_a_template_file_breaking_the_rules_is_refused(tmp_path, content, error):
    path = tmp_path / "location_eea.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(MessageError, match=error):
        _load(path)


def test_a_missing_parameter_raises_and_null_reads_unknown():
    with pytest.raises(KeyError, match="countries"):
        render(load_messages()["location_eea.outside"]["nl"], {"region": "us-east-1"}, "nl")
    assert render("In {region}", {"region": None}, "nl") == "In onbekend"


def test_every_key_in_the_sql_has_a_template_and_every_template_is_used():
    messages = load_messages()
    written = {}
    for path in [*(MESSAGES_DIR.parent / "checks").glob("*.sql"), *RULES_DIR.glob("*.sql")]:
        for key in KEY.findall(path.read_text(encoding="utf-8")):
            if key.split(".")[0] in (path.stem, "rules"):
                written.setdefault(key, path.name)
    assert sorted(set(written) - set(messages)) == []
    engine_keys = {"rules.manual_only", "rules.transition_until", "rules.transition_ended"}  # written by findings/engine.py
    assert sorted(set(messages) - set(written) - engine_keys) == []
    assert {key.split(".")[0] for key in messages} == set(load_checks()) | {"rules"}


def test_every_key_the_golden_estate_gives_has_a_template_and_renders_in_both_languages(tmp_path):
    engine, scan_id = stored(tmp_path, golden_estate())
    judge(engine, scan_id)
    with engine.connect() as conn:
        keys = {k for (k,) in conn.execute(text("select distinct message_key from finding where scan_id = :s"), {"s": scan_id})}
        templates = dict(conn.execute(text("select key, nl from message_template where scan_id = :s"), {"s": scan_id}).all())
    assert len(keys) > 15 and None not in keys and keys <= set(templates)
    for finding in iter_findings(engine, scan_id, lang="nl"):
        assert finding["message_lang"] == "nl" and "{" not in finding["message"], finding["message_key"]
    english = {f["id"]: f["message"] for f in iter_findings(engine, scan_id, lang="en")}
    with engine.connect() as conn:
        stored_messages = dict(conn.execute(text("select id, message from finding where scan_id = :s"), {"s": scan_id}).all())
    guided = {f["id"] for f in iter_findings(engine, scan_id, lang="en") if f["message_key"] == "rules.manual_only"
              or (f["check_id"] == "attestation" and f["status"] == "manual")}
    # the English rendering in the report equals the English message built in SQL (before any guidance)
    assert all(stored_messages[i] == m for i, m in english.items() if i not in guided)
    assert all(stored_messages[i].startswith(m + " ") for i, m in english.items() if i in guided)


class Smalls(HTMLParser):
    """The CIO report's control cells: their message elements and language."""

    def __init__(self, page: str):
        super().__init__()
        self.cells: list[tuple[str, str]] = []
        self._lang = None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        if tag == "small":
            self._lang = dict(attrs).get("lang")

    def handle_endtag(self, tag):
        if tag == "small":
            self._lang = None

    def handle_data(self, data):
        if self._lang is not None:
            self.cells.append((self._lang, data))


def _english(demo) -> set[str]:
    engine = connect_readonly(f"sqlite:///{demo / 'wolkenwacht.db'}")
    with engine.connect() as conn:
        return {m for (m,) in conn.execute(text("select message from finding"))}


def test_the_dutch_demo_report_has_no_english_finding_message(demo):
    english = _english(demo)
    rows = Page((demo / "report.html").read_text(encoding="utf-8")).rows
    assert rows and {r["message_lang"] for r in rows} == {"nl"}
    assert [r["message"] for r in rows if r["message"] in english] == []
    assert any("buiten de EER" in r["message"] for r in rows)


def test_the_dutch_cio_report_has_no_english_finding_message(demo):
    out = io.StringIO()
    engine = connect_readonly(f"sqlite:///{demo / 'wolkenwacht.db'}")
    write_report(engine, latest_scan_id(engine), "cio", out, lang="nl")
    cells = Smalls(out.getvalue()).cells
    assert cells and {lang for lang, _ in cells} == {"nl"}
    english = _english(demo)
    assert [message for _, message in cells if message in english] == []


def test_a_scan_made_before_templates_shows_its_stored_message(tmp_path):
    path = tmp_path / "0.1.0.db"
    with gzip.open(Path(__file__).parents[1] / "fixtures" / "db" / "0.1.0.sqlite.gz") as packed, path.open("wb") as out:
        shutil.copyfileobj(packed, out)
    engine = connect(f"sqlite:///{path}")
    create_schema(engine, TABLES)
    with engine.connect() as conn:
        scan_id, stored_messages = conn.execute(text("select max(scan_id) from finding")).scalar(), dict(
            conn.execute(text("select id, message from finding")).all())
    for lang in ("nl", "en"):
        findings = list(iter_findings(engine, scan_id, lang=lang))
        assert len(findings) == 258
        assert all(f["message"] == stored_messages[f["id"]] and f["message_lang"] == "en" for f in findings)
    page = io.StringIO()
    write_report(engine, scan_id, "html", page, lang="nl")
    rows = Page(page.getvalue()).rows
    assert rows and all(r["message"] == stored_messages[r["id"]] and r["message_lang"] == "en" for r in rows)
