"""The JSON report follows the contract of issue 2, field by field, from the inserted inventory."""

import io
import json

import pytest

from inventory.errors import UserError
from inventory.tables import Finding
from reports.data import iter_findings, latest_scan_id, report_data
from reports.write import write_report
from tests.support import store_findings


def json_report(inv, **kwargs) -> dict:
    out = io.StringIO()
    write_report(inv.engine, inv.scan.id, "json", out, **kwargs)
    return json.loads(out.getvalue())


def test_scan_block_matches_scan_row(inventory):
    scan = json_report(inventory)["scan"]
    assert scan["id"] == inventory.scan.id
    assert scan["status"] == inventory.scan.status
    assert scan["started_at"] == inventory.scan.started_at.isoformat()
    assert scan["finished_at"] == inventory.scan.finished_at.isoformat()


def test_every_finding_of_the_scan_and_no_other(inventory):
    found = {f["id"] for f in json_report(inventory)["findings"]}
    expected = {f.id for f in inventory.findings.values() if f.scan_id == inventory.scan.id}
    assert found == expected
    assert inventory.findings["other_scan"].id not in found


def test_contract_fields_per_finding(inventory):
    for item in json_report(inventory)["findings"]:
        key, row = inventory.finding_by_id(item["id"])
        control = inventory.controls[(row.pack, row.control_id)]
        assert item["control_id"] == row.control_id
        assert item["pack"] == row.pack
        assert item["status"] == row.status
        assert item["severity"] == row.severity
        assert item["title"] == control.title_nl
        assert item["message"] == row.message
        assert item["deadline"] == (row.deadline.isoformat() if row.deadline else None)
        assert item["evidence"] == row.evidence
        assert item["citation"] == {"document": control.document, "section": control.section, "quote": control.quote}
        assert item["account"]["provider"] == row.provider and item["account"]["account_id"] == row.account_id


def test_resource_block_with_countries(inventory):
    items = {inventory.finding_by_id(f["id"])[0]: f for f in json_report(inventory)["findings"]}
    for key, resource_key in (("us_fail", "us"), ("nl_error", "nl"), ("global_transition", "global"), ("multi_explained", "multi")):
        res, fact = inventory.resources[resource_key], inventory.facts[resource_key]
        got = items[key]["resource"]
        assert got["provider"] == res.provider
        assert got["account_id"] == res.account_id
        assert got["region"] == res.region
        assert got["type"] == res.type
        assert got["uid"] == res.uid
        assert got["name"] == res.name
        assert got["tags"] == res.tags
        assert got["country"] == (None if fact.location_kind == "global" else fact.countries)
    assert items["us_fail"]["resource"]["country"] == "US"
    assert items["nl_error"]["resource"]["country"] == "NL"
    assert items["global_transition"]["resource"]["country"] is None
    assert items["multi_explained"]["resource"]["country"].split(";") == ["BE", "DE", "FI", "NL"]


def test_account_level_finding_names_the_account(inventory):
    items = {inventory.finding_by_id(f["id"])[0]: f for f in json_report(inventory)["findings"]}
    item = items["account_fail"]
    assert item["resource"] is None
    assert item["account"] == {"provider": inventory.account.provider, "account_id": inventory.account.account_id,
                               "name": inventory.account.name}


def test_transition_and_explained(inventory):
    items = {inventory.finding_by_id(f["id"])[0]: f for f in json_report(inventory)["findings"]}
    assert items["global_transition"]["deadline"] == inventory.findings["global_transition"].deadline.isoformat()
    explained = items["multi_explained"]["explained_by"]
    entry = inventory.explain
    assert explained["id"] == entry.id
    assert explained["justification"] == entry.justification
    assert explained["approver"] == entry.approver
    assert explained["expires"] == entry.expires.isoformat()
    assert explained["scope"]["resource_uid"] == entry.resource_uid
    assert items["us_fail"]["explained_by"] is None


def test_english_titles(inventory):
    for item in json_report(inventory, lang="en")["findings"]:
        _, row = inventory.finding_by_id(item["id"])
        assert item["title"] == inventory.controls[(row.pack, row.control_id)].title_en


def test_pack_and_status_filters(inventory):
    items = json_report(inventory, packs=["rijksbreed-2026"], statuses=["fail", "pass"])["findings"]
    expected = {f.id for f in inventory.findings.values() if f.scan_id == inventory.scan.id
                and f.pack == "rijksbreed-2026" and f.status in ("fail", "pass")}
    assert {i["id"] for i in items} == expected


def test_collection_errors_only_failures_of_this_scan(inventory):
    errors = json_report(inventory)["collection_errors"]
    assert sorted(e["call"] for e in errors) == sorted(c.call for c in inventory.errors)
    assert all(e["error"] for e in errors)


def test_findings_stream_is_lazy_and_reiterable(inventory):
    data = report_data(inventory.engine, inventory.scan.id)
    before = len(list(data["findings"]))
    store_findings(inventory.engine, [Finding(scan_id=inventory.scan.id, pack="rijksbreed-2026", control_id="RBC26-EEA",
                                              status="fail", check_status="fail", severity="high",
                                              message="added after report_data")])
    assert len(list(data["findings"])) == before + 1


def test_streams_many_findings_in_batches(inventory):
    store_findings(inventory.engine, [Finding(scan_id=inventory.scan.id, pack="bulk", control_id="RBC26-EEA", status="pass",
                                              check_status="pass", severity="high", message=f"m{i}", evidence={"i": i})
                                      for i in range(2500)])
    stream = iter_findings(inventory.engine, inventory.scan.id, packs=["bulk"])
    assert [f["evidence"]["i"] for f in stream] == list(range(2500))


def test_write_to_path(inventory, tmp_path):
    target = tmp_path / "report.json"
    write_report(inventory.engine, inventory.scan.id, "json", target)
    assert json.loads(target.read_text(encoding="utf-8"))["scan"]["id"] == inventory.scan.id


@pytest.mark.parametrize("kwargs", [{"fmt": "xml"}, {"fmt": "json", "lang": "de"}, {"fmt": "json", "scan_id": 999},
                                    {"fmt": "html", "scan_id": 999}, {"fmt": "csv", "lang": "fr"}])
def test_bad_arguments_raise_before_the_file_is_made(inventory, tmp_path, kwargs):
    target = tmp_path / "report.out"
    args = {"scan_id": inventory.scan.id, **kwargs}
    with pytest.raises(UserError):
        write_report(inventory.engine, out=target, **args)
    assert not target.exists()


def test_latest_scan_id_is_the_newest_finished_scan(inventory):
    assert inventory.other_scan.id > inventory.scan.id and inventory.other_scan.finished_at is None
    assert latest_scan_id(inventory.engine) == inventory.scan.id
