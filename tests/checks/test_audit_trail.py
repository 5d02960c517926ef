"""An auditor re-runs a finding's SQL years later and gets the same answer: the reference data and the
pack texts a scan was judged with are kept with the scan."""

import json
from datetime import date

from click.testing import CliRunner
from sqlalchemy import text

from findings.reference import load_reference
from scanner.cli import main
from tests.support import judge

from .golden import golden_estate, stored

PACKS = ("rijksbreed-2022", "rijksbreed-2026")
# A new version of the reference data: the US loses its DPF adequacy route and counts as an
# offensive-cyber state, Ireland leaves the EEA. Each flips some verdict of the estate below.
CHANGED_REFERENCE = ("update ref_provider set dpf_certified = false",
                     "update ref_country set offensive_cyber_programme = true where iso2 = 'US'",
                     "update ref_country set eea = false where iso2 = 'IE'")


def judged_then_reference_changed(tmp_path):
    estate = golden_estate()
    estate.resources["azure-storage"].region = "eastus"          # persoonsgegevens in the US: DPF adequacy
    estate.register["azure"].declared_regions += ";eastus"
    engine, scan_id = stored(tmp_path, estate)
    judge(engine, scan_id, PACKS)
    with engine.begin() as conn:
        conn.execute(text("update scan set finished_at = started_at, status = 'complete'"))
        for statement in CHANGED_REFERENCE:
            conn.execute(text(statement))
    return engine, scan_id


def rerun(tmp_path, engine, check_id: str, control_id: str | None = None) -> dict:
    config = tmp_path / "config.toml"
    config.write_text(f'database = "{engine.url.render_as_string(hide_password=False)}"\n', encoding="utf-8")
    args = ["check", check_id, "--scan", "1", "--config", str(config)] + (["--control", control_id] if control_id else [])
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    return {(r["account_id"], r["resource_id"]): (r["status"], r["message_key"]) for r in rows}


def stored_findings(engine, check_id: str, control_id: str) -> dict:
    with engine.connect() as conn:
        return {(a, r): (s, m) for a, r, s, m in conn.execute(text(
            "select account_id, resource_id, check_status, message_key from finding"
            " where check_id = :c and control_id = :k and scan_id = 1"), {"c": check_id, "k": control_id})}


def test_check_rerun_after_the_reference_data_changed_reproduces_the_scan(tmp_path):
    engine, _ = judged_then_reference_changed(tmp_path)
    for check_id, control_id in (("location_personal", "RBC22-PERSONAL"), ("location_c2000", "RBC22-C2000"),
                                 ("location_eea", "RBC26-EEA"), ("register_jurisdiction", "RBC26-JURISDICTION")):
        again, kept = rerun(tmp_path, engine, check_id), stored_findings(engine, check_id, control_id)
        assert again.keys() == kept.keys(), check_id
        assert again == kept, check_id


def test_the_reference_change_would_have_changed_the_verdicts(tmp_path):
    """Guard for the test above: judged afresh with the new reference data, the answers differ."""
    estate = golden_estate()
    estate.resources["azure-storage"].region = "eastus"
    estate.register["azure"].declared_regions += ";eastus"
    engine, scan_id = stored(tmp_path, estate, *CHANGED_REFERENCE)
    judge(engine, scan_id, PACKS)
    with engine.connect() as conn:
        statuses = dict(conn.execute(text(
            "select f.control_id || ' ' || r.name, f.check_status from finding f join resource r on r.id = f.resource_id"
            " where f.control_id in ('RBC22-PERSONAL', 'RBC22-C2000', 'RBC26-EEA')")).all())
    assert statuses["RBC22-PERSONAL azure-storage"] == "fail"
    assert statuses["RBC22-C2000 azure-storage"] == "fail"
    assert statuses["RBC26-EEA aws-bucket"] == "fail"


def test_location_evidence_holds_the_facts_of_each_country(tmp_path):
    engine, _ = judged_then_reference_changed(tmp_path)
    with engine.connect() as conn:
        evidence = conn.execute(text(
            "select f.evidence from finding f join resource r on r.id = f.resource_id"
            " where f.control_id = 'RBC22-PERSONAL' and r.name = 'azure-storage'")).scalar_one()
    assert (evidence if isinstance(evidence, dict) else json.loads(evidence))["country_facts"] == "US eea=no adequacy=dpf_only ocp=no"


def test_pack_texts_and_transition_parameters_are_stored_with_the_scan(tmp_path):
    engine, _ = judged_then_reference_changed(tmp_path)
    load_reference(engine)
    with engine.connect() as conn:
        row = conn.execute(text("select * from pack_control where control_id = 'RBC26-EEA'")).mappings().one()
        special = conn.execute(text("select * from pack_control where control_id = 'RBC22-SPECIAL'")).mappings().one()
    assert row["evaluates"].startswith("The country of every resource's region.")
    assert row["evidence"].startswith("Resource, region, mapped country")
    assert (bool(row["transition"]), str(row["existing_before"]), str(row["transition_deadline"])) == (
        True, str(date(2026, 7, 3)), str(date(2030, 7, 3)))
    assert row["transition_basis"].startswith("Section 1: 'Voor bestaand cloudb gebruik")
    assert row["explain_route"] is None
    assert special["explain_route"].startswith("Uitzonderingen hierop die voldoen aan 9.c")
    assert special["explain_requires"] == "transfer_mechanism;sent_to_cio_rijk"
