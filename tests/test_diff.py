"""`wolkenwacht diff`: two scans of an estate that changed give exactly those changes, with stable keys."""

import csv
import json
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from findings.packs import load_packs
from reports.data import REPORT_SCHEMA_VERSION
from reports.diff import changes_since_previous, diff_scans
from scanner.cli import main
from tests.checks.golden import AWS, golden_estate, resource, security_service
from tests.support import add_scan, judge, new_inventory, store

ORGANISATION = "Ministerie van Proefzaken"
REMOVED = "arn:aws:s3:::jenv-weg"
ADDED = "arn:aws:s3:::jenv-nieuw"
CHANGED = "arn:aws:s3:::jenv-archief"  # the golden estate's encrypted bucket; unencrypted in the second scan
UNCHANGED = f"arn:aws:lambda:eu-central-1:{AWS}:function:intake"


def bucket(name: str, uid: str):
    return resource("aws", name, uid, "s3.bucket", "eu-west-1", tags={"classification": "intern"})


def finished_scan(engine, rows, started: datetime, organisation: str = ORGANISATION) -> int:
    scan_id = add_scan(engine, started)
    store(engine, scan_id, rows)
    judge(engine, scan_id)
    with engine.begin() as conn:
        conn.execute(text("update scan set finished_at = started_at, status = 'complete', organisation_name = :o "
                          "where id = :s"), {"o": organisation, "s": scan_id})
    return scan_id


@pytest.fixture
def scans(tmp_path):
    """Scan 1 of the golden estate plus a bucket; scan 2 without that bucket, with another one, and the
    archive bucket unencrypted; scan 3 of another organisation (never the default to compare)."""
    engine, _ = new_inventory(tmp_path)  # its scan never finishes: the defaults pass it over
    before = golden_estate()
    before.resources["removed"] = bucket("removed", REMOVED)
    after = golden_estate()
    after.resources["added"] = bucket("added", ADDED)
    after.resources["aws-bucket"] = replace(after.resources["aws-bucket"], encrypted=False)
    ids = (finished_scan(engine, before.rows(), datetime(2026, 11, 25, 2, 0, tzinfo=UTC)),
           finished_scan(engine, after.rows(), datetime(2026, 11, 26, 2, 0, tzinfo=UTC)),
           finished_scan(engine, golden_estate().rows(), datetime(2026, 11, 27, 2, 0, tzinfo=UTC), "Andere organisatie"))
    config = tmp_path / "config.toml"
    config.write_text(f'database = "{engine.url.render_as_string(hide_password=False)}"\n[organisation]\nname = "{ORGANISATION}"\n')
    return engine, config, ids


def findings_on(engine, scan_id: int, uid: str) -> set[str]:
    """Keys, built here from the key's definition, of a scan's findings on one resource."""
    sql = ("select f.control_id, f.check_id from finding f join resource r on r.id = f.resource_id "
           "where f.scan_id = :s and r.uid = :u")
    with engine.connect() as conn:
        return {f"{control}|{check}|aws|{AWS}|{uid}" for control, check in conn.execute(text(sql), {"s": scan_id, "u": uid})}


def status_on(engine, scan_id: int, uid: str, check_id: str = "encryption_at_rest") -> dict[str, str]:
    sql = ("select f.control_id, f.status from finding f join resource r on r.id = f.resource_id "
           "where f.scan_id = :s and r.uid = :u and f.check_id = :c")
    with engine.connect() as conn:
        return dict(conn.execute(text(sql), {"s": scan_id, "u": uid, "c": check_id}).all())


def diff(config, *args) -> dict:
    result = CliRunner().invoke(main, ["diff", "--config", str(config), "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_diff_lists_exactly_the_removed_added_and_changed_findings(scans):
    engine, config, (first, second, _) = scans
    report = diff(config)
    assert (report["from"]["id"], report["to"]["id"]) == (first, second)
    resolved, new = findings_on(engine, first, REMOVED), findings_on(engine, second, ADDED)
    assert len(resolved) >= 3 and {k.replace(REMOVED, ADDED) for k in resolved} == new
    assert {item["key"] for item in report["resolved"]} == resolved
    assert {item["key"] for item in report["new"]} == new
    assert all(item["before"] is None and item["after"] for item in report["new"])
    encryption_controls = {c.id for p in load_packs().values() for c in p.control if "encryption_at_rest" in c.checks}
    assert encryption_controls
    now = status_on(engine, second, CHANGED)  # fail, or transition where the pack grants one
    assert set(now) == encryption_controls and "pass" not in now.values()
    assert sorted((i["key"], i["before"], i["after"]) for i in report["changed"]) == sorted(
        (f"{control}|encryption_at_rest|aws|{AWS}|{CHANGED}", "pass", now[control]) for control in encryption_controls)
    item = report["changed"][0]
    assert item["subject"] == f"aws {AWS} {CHANGED}" and item["resource_uid"] == CHANGED and item["message"]
    assert len(report["resolved"]) == len(resolved) and len(report["new"]) == len(new)


def test_keys_are_stable_across_scans(scans):
    engine, _, (first, second, _) = scans
    sql = "select f.key from finding f join resource r on r.id = f.resource_id where f.scan_id = :s and r.uid = :u"
    with engine.connect() as conn:
        stored = [set(conn.execute(text(sql), {"s": s, "u": UNCHANGED}).scalars()) for s in (first, second)]
        keys = conn.execute(text("select scan_id, count(*), count(key), count(distinct key) from finding "
                                 "where scan_id in (:a, :b) and resource_id is not null group by scan_id"),
                            {"a": first, "b": second}).all()
    assert stored[0] == stored[1] == findings_on(engine, first, UNCHANGED) != set()
    assert all(total == keyed == distinct for _, total, keyed, distinct in keys)


def test_diff_between_named_scans_and_in_text(scans):
    _, config, (first, second, other) = scans
    assert diff(config, "--from", str(second), "--to", str(first))["new"][0]["resource_uid"] == REMOVED
    assert diff(config, "--to", str(second))["from"]["id"] == first
    same = diff(config, "--from", str(second), "--to", str(second))
    assert same["new"] == same["resolved"] == same["changed"] == []
    result = CliRunner().invoke(main, ["diff", "--config", str(config), "--lang", "en"])
    assert result.exit_code == 0
    assert f"Differences between scan {first} and scan {second}" in result.output
    assert "Status changed (1)" in result.output and "pass -> " in result.output and REMOVED in result.output
    nl = CliRunner().invoke(main, ["diff", "--config", str(config), "--from", str(first), "--to", str(other)])
    assert nl.exit_code == 0 and "Opgelost (" in nl.output and "Nieuw (" not in nl.output


def test_diff_needs_two_finished_scans(scans):
    engine, config, (first, second, _) = scans
    with engine.begin() as conn:
        conn.execute(text("update scan set status = 'interrupted' where id = :s"), {"s": first})
    result = CliRunner().invoke(main, ["diff", "--config", str(config)])
    assert result.exit_code == 2 and "fewer than two finished scans" in " ".join(result.output.split())
    result = CliRunner().invoke(main, ["diff", "--config", str(config), "--from", str(first), "--to", str(second)])
    assert result.exit_code == 2 and f"scan {first} is interrupted" in result.output


def test_findings_sharing_a_key_are_paired_by_message(tmp_path):
    """Several findings for one subject (one per enabled security product): only the one that went is resolved."""
    engine, _ = new_inventory(tmp_path)
    both, one = golden_estate(), golden_estate()
    both.security += [security_service("aws", "guardduty", "eu-central-1", enabled=True),
                      security_service("aws", "macie", "eu-west-1", enabled=True)]
    one.security += [security_service("aws", "macie", "eu-west-1", enabled=True)]
    first = finished_scan(engine, both.rows(), datetime(2026, 11, 25, 2, 0, tzinfo=UTC))
    second = finished_scan(engine, one.rows(), datetime(2026, 11, 26, 2, 0, tzinfo=UTC))
    with engine.connect() as conn:
        shared = conn.execute(text("select count(*) from finding where scan_id = :s and key = :k"),
                              {"s": first, "k": f"JENV25-CSP-SECTOOLS|security_csp_native|aws|{AWS}|"}).scalar_one()
    assert shared == 2
    result = diff_scans(engine, first, second)
    assert result.new == result.changed == []
    assert [(c.control_id, c.before, c.after) for c in result.resolved] == [("JENV25-CSP-SECTOOLS", "fail", None)]
    assert "guardduty" in result.resolved[0].message and result.resolved[0].subject() == f"aws {AWS}"


def test_json_and_csv_reports_carry_the_key_and_the_schema_version(scans, tmp_path):
    _, config, (_, second, _) = scans
    chosen = ["--config", str(config), "--scan", str(second)]
    result = CliRunner().invoke(main, ["report", *chosen, "--format", "json", "--output", "-"])
    report = json.loads(result.output)
    assert report["schema_version"] == REPORT_SCHEMA_VERSION == 3 and report["scan"]["id"] == second
    for finding in report["findings"]:
        subject = finding["resource"] or finding["account"] or {"provider": "", "account_id": ""}
        uid = finding["resource"]["uid"] if finding["resource"] else ""
        assert finding["key"] == "|".join((finding["control_id"], finding["check_id"] or "", subject["provider"] or "",
                                           subject["account_id"] or "", uid))
    assert sum(1 for f in report["findings"] if f["resource"]) > 10
    out = tmp_path / "findings.csv"
    CliRunner().invoke(main, ["report", *chosen, "--format", "csv", "--output", str(out)])
    with out.open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["key"] for r in rows] == [f["key"] for f in report["findings"]]


def test_changes_since_previous_compares_with_the_organisations_scan_before(scans):
    engine, _, (first, second, other) = scans
    since = changes_since_previous(engine, second)
    assert (since.before["id"], since.after["id"]) == (first, second)
    assert since.as_dict() == diff_scans(engine, first, second).as_dict() and since.changed
    assert changes_since_previous(engine, first) is None and changes_since_previous(engine, other) is None
