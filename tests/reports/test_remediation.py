"""Remediation: every control of every pack says in Dutch and English what to do; reports show it with the finding."""

import io
import json

import pytest

from findings.packs import Pack, load_packs
from inventory.errors import UserError, read_toml
from policies import PACKS_DIR
from reports.write import write_report
from tests.reports.conftest import REMEDIATION
from tests.reports.test_report_html import Page, render


def test_every_control_of_every_pack_has_dutch_and_english_remediation():
    controls = [c for pack in load_packs().values() for c in pack.control]
    assert len(controls) >= 30
    for control in controls:
        fix = control.remediation
        assert fix.nl.strip() and fix.en.strip() and fix.nl != fix.en, control.id
        for provider, own in fix.providers.items():
            assert own.nl.strip() and own.en.strip() and own.nl != own.en, (control.id, provider)


@pytest.mark.parametrize(("drop", "problem"), [('\nen = "', "control.0.remediation.en"), ("\n[control.remediation]\n", "control.0.remediation")])
def test_a_pack_without_remediation_is_refused(tmp_path, drop, problem):
    text = (PACKS_DIR / "rijksbreed-2026.toml").read_text(encoding="utf-8")
    first = text.index(drop) + 1  # the first control's English remediation line, or its whole remediation table
    end = text.index("\n\n", first) if drop.startswith("\n[") else text.index("\n", first)
    cut = text[:first] + text[end + 1:]
    path = tmp_path / "pack.toml"
    path.write_text(cut, encoding="utf-8")
    with pytest.raises(UserError, match=problem):
        read_toml(path, Pack)


def test_links_must_be_https(tmp_path):
    text = (PACKS_DIR / "rijksbreed-2026.toml").read_text(encoding="utf-8")
    path = tmp_path / "pack.toml"
    path.write_text(text.replace('links = ["https://', 'links = ["javascript://', 1), encoding="utf-8")
    with pytest.raises(UserError, match="links"):
        read_toml(path, Pack)


def test_json_finding_carries_the_remediation_for_its_provider(inventory):
    out = io.StringIO()
    write_report(inventory.engine, inventory.scan.id, "json", out, lang="en")
    items = {f["id"]: f for f in json.loads(out.getvalue())["findings"]}
    us = items[inventory.findings["us_fail"].id]  # aws
    assert us["remediation"] == {"text": REMEDIATION["en"], "provider_text": REMEDIATION["providers"]["aws"]["en"],
                                 "links": ["https://example.org/aws-scp", "https://example.org/eea"]}
    gcp = items[inventory.findings["global_transition"].id]["remediation"]  # aws too; the gcp one has no own steps
    multi = items[inventory.findings["multi_explained"].id]["remediation"]
    assert gcp["provider_text"] and multi == {"text": REMEDIATION["en"], "provider_text": None, "links": ["https://example.org/eea"]}
    assert items[inventory.findings["account_fail"].id]["remediation"] is None  # its control has none stored


def test_html_sends_each_control_remediation_once_in_the_report_language(inventory):
    meta = json.loads(Page(render(inventory)).data["report-meta"])
    assert meta["controls"]["rijksbreed-2026|RBC26-EEA"]["remediation"] == {
        "text": REMEDIATION["nl"], "links": REMEDIATION["links"],
        "providers": {"aws": {"text": REMEDIATION["providers"]["aws"]["nl"], "links": ["https://example.org/aws-scp"]}}}
