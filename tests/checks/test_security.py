"""security_csp_native (JENV25-CSP-SECTOOLS) and attestation (controls only a person can attest)."""

from datetime import date

import pytest

from tests.support import SCAN_DATE

from .golden import AWS, AZURE, GCP, ORGANISATION, collection, golden_estate, only_change, row, run, security_service

CHECK = "security_csp_native"


def test_security_csp_native_golden_passes(golden):
    outcome = golden(CHECK)
    assert set(outcome) == {AWS, AZURE, GCP}      # no row for the M365 tenant
    assert all(r["status"] == "pass" for rows in outcome.values() for r in rows)


@pytest.mark.parametrize("index, account_id, text", [
    (0, AWS, "guardduty is enabled in eu-west-1"),
    (1, AZURE, "defender:StorageAccounts is enabled"),
    (2, GCP, "scc is enabled"),
])
def test_security_csp_native_enabled_product_fails_naming_it(tmp_path, golden, index, account_id, text):
    estate = golden_estate()
    estate.security[index].enabled = True
    outcome = run(tmp_path, estate, CHECK)
    assert only_change(golden(CHECK), outcome, account_id) == ["fail"]
    assert text in row(outcome, account_id)["message"]


def test_security_csp_native_one_row_per_enabled_product(tmp_path, golden):
    estate = golden_estate()
    estate.security[0].enabled = True
    estate.security.append(security_service("aws", "securityhub", "eu-central-1", enabled=True))
    outcome = run(tmp_path, estate, CHECK)
    assert only_change(golden(CHECK), outcome, AWS) == ["fail", "fail"]
    assert sorted(r["service"] for r in outcome[AWS]) == ["guardduty", "securityhub"]


# attestation (RBC22-POLICY, RBC26-CLASSIFIED)

@pytest.mark.parametrize("control_id", ["RBC22-POLICY", "RBC26-CLASSIFIED"])
def test_attestation_golden_passes(golden, control_id):
    found = row(golden("attestation", control_id=control_id), ORGANISATION)
    assert found["status"] == "pass"
    assert found["message"] == f"Attested by CISO JenV on 2026-01-15: ATT-{control_id}"


@pytest.mark.parametrize("attested_on, expires, expected", [
    (date(2026, 1, 15), date(2026, 11, 1), "manual"),     # expired
    (date(2026, 1, 15), SCAN_DATE, "manual"),             # expires on the scan date
    (date(2026, 1, 15), None, "pass"),                    # no expiry
    (date(2026, 12, 1), date(2027, 12, 1), "manual"),     # not yet attested on the scan date
    (SCAN_DATE, date(2027, 12, 1), "pass"),
])
def test_attestation_validity(tmp_path, golden, attested_on, expires, expected):
    estate = golden_estate()
    estate.attestations[0].attested_on, estate.attestations[0].expires = attested_on, expires
    outcome = run(tmp_path, estate, "attestation", control_id="RBC22-POLICY")
    assert only_change(golden("attestation", control_id="RBC22-POLICY"), outcome, ORGANISATION) == [expected]


def test_attestation_of_another_control_does_not_count(tmp_path, golden):
    estate = golden_estate()
    estate.attestations[0].control_id = "RBC26-CLASSIFIED"
    outcome = run(tmp_path, estate, "attestation", control_id="RBC22-POLICY")
    assert only_change(golden("attestation", control_id="RBC22-POLICY"), outcome, ORGANISATION) == ["manual"]
    assert row(outcome, ORGANISATION)["message"] == "No attestation in the register."


@pytest.mark.parametrize("area", ["inventory", "gcp.orgpolicy"])
def test_security_csp_native_gcp_project_that_answered_an_error_is_not_passed(tmp_path, golden, area):
    """SCC comes from a scope-wide search: a project that answered 403 elsewhere was not observed."""
    estate = golden_estate()
    estate.collections.append(collection("gcp", area, GCP, ok=False, call="cloudasset:ListAssets"))
    outcome = run(tmp_path, estate, CHECK)
    assert only_change(golden(CHECK), outcome, GCP) == ["error"]
    assert row(outcome, GCP)["message"].startswith(
        "Not observed: the project answered an error (cloudasset:ListAssets failed: AccessDenied")
