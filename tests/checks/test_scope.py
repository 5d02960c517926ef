"""Scope left out by configuration (check scope_excluded, #11 point 15): AWS regions enabled for an
account but not in its ``regions`` list, and Azure subscriptions the credential can list but the
configuration leaves out, are ``manual`` on every location and classification control, naming them."""

from findings.packs import load_packs
from inventory.rows import ScopeExcluded

from .golden import AWS, AZURE, collection, golden_estate, row, run
from .test_rules import judged, pick

CHECK = "scope_excluded"
LEFT_OUT_SUB = "9f8e7d6c-0000-4000-8000-00000000abcd"


def left_out_region(region: str) -> ScopeExcluded:
    return ScopeExcluded(provider="aws", estate="aws-prod", account_id=AWS, region=region, config_field="regions",
                         source_api="ec2:DescribeRegions")


def left_out_subscription(field: str = "subscriptions") -> ScopeExcluded:
    return ScopeExcluded(provider="azure", estate="azure-prod", account_id=LEFT_OUT_SUB, name="jenv-sandbox",
                         config_field=field, source_api="resources:ListSubscriptions")


def test_scope_golden_has_no_rows(golden):
    assert golden(CHECK) == {}


def test_scope_left_out_regions_are_manual_naming_them(tmp_path):
    estate = golden_estate()
    estate.connector_rows += [left_out_region(r) for r in ("us-east-1", "cn-north-1", "ap-east-1")]
    found = row(run(tmp_path, estate, CHECK), AWS)
    assert (found["status"], found["resource_id"]) == ("manual", None)
    assert (found["not_scanned"], found["not_scanned_count"], found["config_field"]) == (
        "ap-east-1, cn-north-1, us-east-1", 3, "regions")
    assert found["message"].startswith("3 enabled region(s) not scanned by configuration (regions): ap-east-1, cn-north-1")


def test_scope_one_left_out_region(tmp_path):
    estate = golden_estate()
    estate.connector_rows.append(left_out_region("eu-south-2"))
    assert row(run(tmp_path, estate, CHECK), AWS)["not_scanned"] == "eu-south-2"


def test_scope_left_out_subscription_is_manual_under_its_own_id(tmp_path):
    estate = golden_estate()
    estate.connector_rows.append(left_out_subscription("management_group"))
    outcome = run(tmp_path, estate, CHECK)
    assert set(outcome) == {LEFT_OUT_SUB}
    found = row(outcome, LEFT_OUT_SUB)
    assert (found["provider"], found["status"], found["config_field"]) == ("azure", "manual", "management_group")
    assert "jenv-sandbox (" + LEFT_OUT_SUB + ")" in found["message"]


def location_and_classification_controls() -> set[str]:
    return {c.id for p in load_packs().values() for c in p.control
            if {"location_eea", "location_c2000", "location_personal", "location_special",
                "classification_forbidden", "classification_special_pet"} & set(c.checks)}


def test_scope_every_location_and_classification_control_gets_the_manual_finding(tmp_path):
    estate = golden_estate()
    estate.connector_rows += [left_out_region("ap-east-1"), left_out_subscription()]
    findings = judged(tmp_path, estate)
    controls = location_and_classification_controls()
    assert len(controls) == 9
    for control in controls:
        aws = pick(findings, control, account_id=AWS, status="manual")
        assert [f["check_id"] for f in aws if f["resource"] is None and "ap-east-1" in f["message"]] == [CHECK], control
        assert [f["check_id"] for f in pick(findings, control, account_id=LEFT_OUT_SUB)] == [CHECK], control
    assert not [f for f in findings if f["check_id"] == CHECK and f["control_id"] not in controls]
    assert not pick(findings, "RBC26-EEA", account_id=AZURE, status="manual")


def test_scope_unknown_when_region_discovery_failed_is_an_error_not_a_silence(tmp_path):
    """Without DescribeRegions nobody knows which regions were left out: the controls are 'error' for the account."""
    estate = golden_estate()
    estate.collections.append(collection("aws", "inventory", AWS, ok=False, call="ec2:DescribeRegions"))
    findings = judged(tmp_path, estate)
    for control in location_and_classification_controls():
        errors = pick(findings, control, account_id=AWS, status="error")
        assert [f["message"] for f in errors if "ec2:DescribeRegions" in f["message"]], control
