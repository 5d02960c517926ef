"""The OCSF output: one Compliance Finding per finding, validated by py-ocsf-models, carrying control, pack,
resource, evidence and remediation."""

import io
import json

from py_ocsf_models.events.findings.compliance_finding import ComplianceFinding
from py_ocsf_models.objects.compliance_status import StatusID
from sqlalchemy import text

from reports.write import write_report
from tests.reports.conftest import REMEDIATION


def events(inv, **kwargs) -> list[dict]:
    out = io.StringIO()
    write_report(inv.engine, inv.scan.id, "ocsf", out, **kwargs)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_one_valid_compliance_finding_per_finding(inventory):
    found = events(inventory)
    expected = {f.id for f in inventory.findings.values() if f.scan_id == inventory.scan.id}
    assert sorted(e["unmapped"]["finding_id"] for e in found) == sorted(expected)
    for item in found:
        model = ComplianceFinding.model_validate(item)  # the schema as py-ocsf-models encodes it
        assert model.model_dump(mode="json", exclude_none=True) == item  # nothing more, nothing less, same values
        assert model.class_uid == 2003 and model.type_uid == 200301 and model.category_uid == 2
        assert model.metadata.product.name == "Wolkenwacht"
        assert model.metadata.uid == f"{inventory.scan.id}/{item['unmapped']['finding_id']}"


def test_finding_uid_is_the_stable_key(inventory):
    with inventory.engine.connect() as conn:
        keys = dict(conn.execute(text("select id, key from finding where scan_id = :s"), {"s": inventory.scan.id}).all())
    found = events(inventory)
    assert {e["unmapped"]["finding_id"]: e["finding_info"]["uid"] for e in found} == keys
    assert all(keys.values()) and len(set(keys.values())) == len(keys)


def test_control_pack_resource_and_evidence(inventory):
    by_uid = {e["unmapped"]["finding_id"]: e for e in events(inventory, lang="en")}
    finding = inventory.findings["us_fail"]
    item, control = by_uid[finding.id], inventory.controls[("rijksbreed-2026", "RBC26-EEA")]
    assert item["compliance"]["control"] == "RBC26-EEA"
    assert item["compliance"]["requirements"] == ["rijksbreed-2026/RBC26-EEA"]
    assert item["compliance"]["standards"] == [control.document] and item["compliance"]["desc"] == control.quote
    assert item["compliance"]["status_id"] == StatusID.Fail and item["status_code"] == "fail"
    assert item["severity_id"] == 4 and item["finding_info"]["title"] == control.title_en
    resource = inventory.resources["us"]
    assert item["resources"] == [{"uid": resource.uid, "name": resource.name, "type": resource.type, "region": "us-east-1",
                                  "data": {"provider": "aws", "account_id": "111111111111", "country": "US",
                                           "location_kind": "region", "tags": {"owner": "team-a"}}}]
    assert item["evidences"][0]["data"] == finding.evidence
    assert item["remediation"] == {"desc": f"{REMEDIATION['en']} {REMEDIATION['providers']['aws']['en']}",
                                   "references": ["https://example.org/aws-scp", "https://example.org/eea"]}


def test_not_observed_and_manual_are_never_pass(inventory):
    by_uid = {e["unmapped"]["finding_id"]: e for e in events(inventory)}
    error = by_uid[inventory.findings["nl_error"].id]
    assert error["compliance"]["status_id"] == StatusID.Unknown and error["status_code"] == "error"
    account = by_uid[inventory.findings["account_fail"].id]
    assert account["resources"] == [{"uid": "111111111111", "name": "ministerie-prod", "type": "account", "data": {"provider": "aws"}}]
    explained = by_uid[inventory.findings["multi_explained"].id]
    assert explained["status_id"] == 3 and explained["unmapped"]["explained_by"]["approver"] == "CISO BZK"
