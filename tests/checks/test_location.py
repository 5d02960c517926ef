"""Location checks: location_eea, location_c2000, location_personal, location_special.

Each test moves one resource of the golden estate (or changes one register or reference fact)
and asserts that exactly that resource's row flips to the expected status.
"""

from datetime import date

import pytest

from .golden import all_statuses, changes, golden_estate, only_change, provider_fact, row, run


def moved(tmp_path, check_id: str, name: str, region: str | None, *sql: str):
    estate = golden_estate()
    estate.resources[name].region = region
    return run(tmp_path, estate, check_id, *sql)


# location_eea (RBC26-EEA)

def test_location_eea_golden_passes(golden):
    outcome = golden("location_eea")
    assert set(outcome) == {"aws-bucket", "aws-function", "azure-storage", "azure-health", "gcp-bucket", "m365-mailbox"}
    assert all(r["status"] == "pass" for rows in outcome.values() for r in rows)


@pytest.mark.parametrize("name, region, expected", [
    ("aws-bucket", "us-east-1", "fail"),
    ("aws-bucket", "cn-north-1", "fail"),
    ("aws-bucket", "global", "manual"),
    ("aws-bucket", "aws-global", "manual"),
    ("aws-bucket", "mars-1", "fail"),
    ("aws-bucket", None, "manual"),
    ("aws-bucket", "eu-west-1a", "pass"),
    ("gcp-bucket", "eur4", "pass"),
    ("gcp-bucket", "eur5", "fail"),
    ("gcp-bucket", "eu", "pass"),
    ("gcp-bucket", "europe", "fail"),
    ("gcp-bucket", "europe-west4-a", "pass"),
    ("gcp-bucket", "global", "manual"),
    ("azure-storage", "global", "manual"),
    ("azure-storage", "europe", "manual"),
    ("azure-storage", "switzerlandnorth", "fail"),
    ("m365-mailbox", "nam", "fail"),
])
def test_location_eea_region(tmp_path, golden, name, region, expected):
    outcome = moved(tmp_path, "location_eea", name, region)
    assert only_change(golden("location_eea"), outcome, name) == [expected]
    assert row(outcome, name)["region"] == region


def test_location_eea_fail_names_country(tmp_path):
    found = row(moved(tmp_path, "location_eea", "aws-bucket", "us-east-1"), "aws-bucket")
    assert found["countries"] == "US" and "outside the EEA" in found["message"]


def test_location_eea_unreported_location_says_so(tmp_path):
    found = row(moved(tmp_path, "location_eea", "aws-bucket", None), "aws-bucket")
    assert found["location_kind"] == "unreported" and "reports no location" in found["message"]


def test_location_eea_unknown_region_says_so(tmp_path):
    found = row(moved(tmp_path, "location_eea", "aws-bucket", "mars-1"), "aws-bucket")
    assert found["location_kind"] == "unknown" and "'mars-1' is not in the reference data" in found["message"]


# location_c2000 (RBC22-C2000)

def test_location_c2000_golden_passes(golden):
    outcome = golden("location_c2000")
    assert len(outcome) == 6
    assert all(r["status"] == "pass" and r["provider_jurisdiction"] == "US" for rows in outcome.values() for r in rows)


@pytest.mark.parametrize("name, region, expected", [
    ("aws-bucket", "cn-north-1", "fail"),
    ("aws-bucket", "ap-east-1", "fail"),
    ("azure-storage", "chinaeast2", "fail"),
    ("gcp-bucket", "asia-east2", "fail"),
    ("aws-bucket", "us-east-1", "pass"),
    ("aws-bucket", "ap-south-1", "pass"),
    ("gcp-bucket", "global", "manual"),
    ("aws-bucket", "mars-1", "manual"),
    ("aws-bucket", None, "manual"),
])
def test_location_c2000_region(tmp_path, golden, name, region, expected):
    outcome = moved(tmp_path, "location_c2000", name, region)
    assert only_change(golden("location_c2000"), outcome, name) == [expected]
    assert row(outcome, name)["region"] == region


def test_location_c2000_fail_names_the_country(tmp_path):
    found = row(moved(tmp_path, "location_c2000", "azure-storage", "chinaeast2"), "azure-storage")
    assert "Located in CN (chinaeast2)" in found["message"]


def test_location_c2000_supplier_jurisdiction_fails_every_resource(tmp_path, golden):
    outcome = run(tmp_path, golden_estate(), "location_c2000", provider_fact("aws", jurisdiction="CN"))
    assert changes(golden("location_c2000"), outcome) == {"aws-bucket": ["fail"], "aws-function": ["fail"]}
    assert "jurisdiction of CN" in row(outcome, "aws-bucket")["message"]


# location_personal (RBC22-PERSONAL)

def test_location_personal_golden_passes(golden):
    outcome = golden("location_personal")
    # persoonsgegevens by tag (aws, azure with 'Classification' key), by register default (gcp), and
    # bijzondere-persoonsgegevens (azure-health); resources classified intern get no row
    assert set(outcome) == {"aws-bucket", "azure-storage", "gcp-bucket", "azure-health"}
    assert all(r["status"] == "pass" for rows in outcome.values() for r in rows)
    assert row(outcome, "gcp-bucket")["classification_source"] == "register"


@pytest.mark.parametrize("name, region, expected", [
    ("aws-bucket", "us-east-1", "pass"),          # US adequacy for a DPF-certified provider
    ("aws-bucket", "eu-west-2", "pass"),          # GB adequacy
    ("aws-bucket", "eu-central-2", "pass"),       # CH adequacy
    ("aws-bucket", "sa-east-1", "pass"),          # BR adequacy since 2026
    ("aws-bucket", "ap-south-1", "fail"),         # IN: none
    ("aws-bucket", "cn-north-1", "fail"),
    ("gcp-bucket", "asia-south1", "fail"),
    ("gcp-bucket", "eur5", "pass"),               # BE + GB
    ("gcp-bucket", "global", "manual"),
    ("gcp-bucket", None, "manual"),
    ("azure-storage", "centralindia", "fail"),
    ("azure-storage", "brazilsouth", "pass"),
])
def test_location_personal_region(tmp_path, golden, name, region, expected):
    outcome = moved(tmp_path, "location_personal", name, region)
    assert only_change(golden("location_personal"), outcome, name) == [expected]
    assert row(outcome, name)["region"] == region


def test_location_personal_us_fails_without_dpf_certification(tmp_path, golden):
    outcome = moved(tmp_path, "location_personal", "aws-bucket", "us-east-1",
                    provider_fact("aws", dpf_certified=False))
    assert only_change(golden("location_personal"), outcome, "aws-bucket") == ["fail"]
    assert "without a 9c transfer record" in row(outcome, "aws-bucket")["message"]


@pytest.mark.parametrize("mechanism, dpia_sent, expected", [
    ("SCC 2021/914 module 2", date(2026, 2, 1), "pass"),
    ("SCC 2021/914 module 2", None, "fail"),
    (None, date(2026, 2, 1), "fail"),
])
def test_location_personal_transfer_mechanism(tmp_path, golden, mechanism, dpia_sent, expected):
    estate = golden_estate()
    estate.resources["aws-bucket"].region = "ap-south-1"
    estate.register["aws"].transfer_mechanism = mechanism
    estate.register["aws"].transfer_dpia_sent = dpia_sent
    outcome = run(tmp_path, estate, "location_personal")
    assert only_change(golden("location_personal"), outcome, "aws-bucket") == [expected]


def test_location_personal_unknown_classification_outside_adequacy_is_manual(tmp_path, golden):
    estate = golden_estate()
    estate.register["aws"].classification = None    # aws-function has no tag: now unknown
    estate.resources["aws-function"].region = "ap-south-1"
    outcome = run(tmp_path, estate, "location_personal")
    assert only_change(golden("location_personal"), outcome, "aws-function") == ["manual"]
    assert "unknown classification" in row(outcome, "aws-function")["message"]


def test_location_personal_unknown_classification_in_eea_has_no_row(tmp_path, golden):
    estate = golden_estate()
    estate.register["aws"].classification = None
    assert changes(golden("location_personal"), run(tmp_path, estate, "location_personal")) == {}


# location_special (RBC22-SPECIAL)

def test_location_special_golden_passes(golden):
    outcome = golden("location_special")
    assert set(outcome) == {"azure-health"} and all_statuses(outcome) == {"pass"}


@pytest.mark.parametrize("region, expected", [
    ("centralindia", "fail"),
    ("eastus", "pass"),
    ("uksouth", "pass"),
    ("chinanorth3", "fail"),
    ("global", "manual"),
    (None, "manual"),
])
def test_location_special_region(tmp_path, golden, region, expected):
    outcome = moved(tmp_path, "location_special", "azure-health", region)
    assert only_change(golden("location_special"), outcome, "azure-health") == [expected]


def test_location_special_fails_in_india_even_with_transfer_mechanism(tmp_path, golden):
    estate = golden_estate()
    estate.resources["azure-health"].region = "centralindia"
    estate.register["azure"].transfer_mechanism = "SCC 2021/914 module 2"
    estate.register["azure"].transfer_dpia_sent = date(2026, 2, 1)
    outcome = run(tmp_path, estate, "location_special")
    assert only_change(golden("location_special"), outcome, "azure-health") == ["fail"]
    assert "outside the EEA and adequacy" in row(outcome, "azure-health")["message"]


def test_location_special_only_judges_special_personal_data(tmp_path, golden):
    estate = golden_estate()
    estate.resources["azure-storage"].region = "centralindia"     # persoonsgegevens, not special
    assert changes(golden("location_special"), run(tmp_path, estate, "location_special")) == {}
