"""Classification checks: classification_forbidden (per control: RBC22-STATESECRET, RBC26-CLASSIFIED,
RBC22-BASISREG, RBC26-BASISREG) and classification_special_pet.

The classification comes from the resource's tag (key matched case-insensitively), else the
register entry of its account, else 'unknown' (counted per account in one 'manual' row).
"""

import pytest

from .golden import AWS, AZURE, GCP, M365, changes, golden_estate, only_change, row, run, statuses

CHECK = "classification_forbidden"
CONTROLS = ("RBC22-BASISREG", "RBC26-BASISREG", "RBC22-STATESECRET", "RBC26-CLASSIFIED")
# classification -> the controls it fails
FAILS = {
    "staatsgeheim": {"RBC22-STATESECRET", "RBC26-CLASSIFIED"},
    "tbb1": {"RBC26-CLASSIFIED"},
    "tbb2": {"RBC26-CLASSIFIED"},
    "tbb3": {"RBC26-CLASSIFIED"},
    "basisregistratie-bron": {"RBC22-BASISREG", "RBC26-BASISREG"},
    "basisregistratie-afnemer": set(),     # condition 11: "Voor de afnemers ... gelden de reguliere eisen"
    "openbaar": set(),
    "bijzondere-persoonsgegevens": set(),
}
CASES = [(control, value, "fail" if control in fails else "pass") for value, fails in FAILS.items() for control in CONTROLS]


def classified(outcome, account: str) -> int:
    """The count on an account's 'pass' row: its classified resources that hold nothing forbidden."""
    [found] = [r for r in outcome.get(account, []) if r["status"] == "pass"]
    return found["classified_resources"]


@pytest.mark.parametrize("control", CONTROLS)
def test_classification_golden_passes_with_one_row_per_account(golden, control):
    outcome = golden(CHECK, control_id=control)
    assert {k: statuses(outcome, k) for k in outcome} == {AWS: ["pass"], AZURE: ["pass"], GCP: ["pass"], M365: ["pass"]}
    assert [classified(outcome, a) for a in (AWS, AZURE, GCP, M365)] == [2, 2, 1, 1]
    assert row(outcome, AWS)["message"].startswith("2 classified resource(s) hold no ")


@pytest.mark.parametrize("control, value, expected", CASES)
def test_classification_by_tag(tmp_path, golden, control, value, expected):
    estate = golden_estate()
    estate.resources["aws-bucket"].tags = {"CLASSIFICATION": value.title()}   # key and value in another case
    outcome = run(tmp_path, estate, CHECK, control_id=control)
    if expected == "fail":
        assert changes(golden(CHECK, control_id=control), outcome) == {"aws-bucket": ["fail"]}
        found = row(outcome, "aws-bucket")
        assert (found["classification"], found["classification_source"]) == (value, "tag")
    else:
        assert changes(golden(CHECK, control_id=control), outcome) == {}
    assert classified(outcome, AWS) == (1 if expected == "fail" else 2)


@pytest.mark.parametrize("control, value, expected", CASES)
def test_classification_by_register_default(tmp_path, golden, control, value, expected):
    estate = golden_estate()
    estate.register["aws"].classification = value    # aws-function has no tag; aws-bucket keeps its own
    outcome = run(tmp_path, estate, CHECK, control_id=control)
    if expected == "fail":
        assert changes(golden(CHECK, control_id=control), outcome) == {"aws-function": ["fail"]}
        assert row(outcome, "aws-function")["classification_source"] == "register"
    else:
        assert changes(golden(CHECK, control_id=control), outcome) == {}
    assert classified(outcome, AWS) == (1 if expected == "fail" else 2)


def test_classification_fail_message_names_classification_and_origin(tmp_path):
    estate = golden_estate()
    estate.resources["gcp-bucket"].tags = {"classification": "staatsgeheim"}
    outcome = run(tmp_path, estate, CHECK, control_id="RBC22-STATESECRET")
    assert "staatsgeheim data (from tag)" in row(outcome, "gcp-bucket")["message"]
    assert GCP not in outcome     # its only classified resource fails: no pass row is left for the project


@pytest.mark.parametrize("value", ["zeer-geheim", "<script>alert(1)</script>", "=cmd|' /C calc'!A0"])
def test_classification_unrecognised_tag_value_is_manual_naming_it_never_the_register(tmp_path, golden, value):
    estate = golden_estate()
    estate.resources["aws-bucket"].tags = {"classification": value}      # the register says intern
    outcome = run(tmp_path, estate, CHECK, control_id="RBC22-STATESECRET")
    assert changes(golden(CHECK, control_id="RBC22-STATESECRET"), outcome) == {"aws-bucket": ["manual"]}
    found = row(outcome, "aws-bucket")
    assert (found["classification"], found["classification_source"], found["classification_tag"]) == (
        "unknown", "tag", value)
    assert found["message"].startswith(f"Classification tag value '{value}' is not a recognised classification")
    assert classified(outcome, AWS) == 1


@pytest.mark.parametrize("value, control", [("Stg. Geheim", "RBC22-STATESECRET"), ("TBB-2", "RBC26-CLASSIFIED"),
                                            ("STG GEHEIM", "RBC26-CLASSIFIED")])
def test_classification_usual_dutch_spelling_fails(tmp_path, golden, value, control):
    estate = golden_estate()
    estate.resources["aws-bucket"].tags = {"classification": value}
    outcome = run(tmp_path, estate, CHECK, control_id=control)
    assert changes(golden(CHECK, control_id=control), outcome) == {"aws-bucket": ["fail"]}


@pytest.mark.parametrize("control", CONTROLS)
def test_classification_unknown_is_one_manual_row_per_account(tmp_path, golden, control):
    estate = golden_estate()
    estate.register["aws"].classification = None
    estate.resources["aws-bucket"].tags = {"owner": "team-a"}
    outcome = run(tmp_path, estate, CHECK, control_id=control)
    assert changes(golden(CHECK, control_id=control), outcome) == {AWS: ["manual"]}
    manual = row(outcome, AWS)
    assert manual["unclassified_resources"] == 2 and manual["message"].startswith("2 resource(s)")
    assert manual["provider"] == "aws" and manual["resource_id"] is None


# classification_special_pet (RBC26-SPECIAL-PET)

PET = "classification_special_pet"


def test_classification_special_pet_golden_passes(golden):
    outcome = golden(PET)
    assert [r["status"] for r in outcome["azure-health"]] == ["pass"] and set(outcome) == {"azure-health"}
    assert "PET recorded on the resource: pseudonymisation" in row(outcome, "azure-health")["message"]


@pytest.mark.parametrize("custody, expected", [("external", "pass"), ("customer", "fail"), ("provider", "fail"),
                                               ("none", "fail"), (None, "error")])
def test_classification_special_pet_key_custody(tmp_path, golden, custody, expected):
    """Only keys held outside the provider count; a customer-managed key in the provider's KMS is not a PET."""
    estate = golden_estate()
    del estate.resources["azure-health"].tags["pet"]
    estate.resources["azure-health"].key_custody = custody
    outcome = run(tmp_path, estate, PET)
    assert only_change(golden(PET), outcome, "azure-health") == [expected]


def test_classification_special_pet_customer_key_alone_says_why(tmp_path):
    estate = golden_estate()
    del estate.resources["azure-health"].tags["pet"]
    found = row(run(tmp_path, estate, PET), "azure-health")
    assert (found["status"], found["message"]) == (
        "fail", "Special personal data with a customer-managed key in the provider's key service only: not a PET by itself")


def test_classification_special_pet_without_evidence_fails(tmp_path):
    estate = golden_estate()
    del estate.resources["azure-health"].tags["pet"]
    estate.resources["azure-health"].key_custody = "provider"
    found = row(run(tmp_path, estate, PET), "azure-health")
    assert found["status"] == "fail" and "without evidence of privacy-enhancing technology" in found["message"]


@pytest.mark.parametrize("value", ["none", "geen", "unknown", "encrypted", "<b>x</b>"])
def test_classification_special_pet_tag_outside_the_vocabulary_fails_naming_it(tmp_path, golden, value):
    estate = golden_estate()
    estate.resources["azure-health"].tags["pet"] = value
    outcome = run(tmp_path, estate, PET)
    assert only_change(golden(PET), outcome, "azure-health") == ["fail"]
    assert row(outcome, "azure-health")["message"] == (
        f"Special personal data; the pet tag value '{value}' is not a recognised privacy-enhancing technology")


def test_classification_special_pet_tag_in_another_spelling_passes(tmp_path, golden):
    estate = golden_estate()
    estate.resources["azure-health"].key_custody = "provider"
    estate.resources["azure-health"].tags = {"classification": "bijzondere-persoonsgegevens", "PET": "Pseudonimisering"}
    outcome = run(tmp_path, estate, PET)
    assert statuses(outcome, "azure-health") == ["pass"]
    assert (row(outcome, "azure-health")["pet_tag"], row(outcome, "azure-health")["pet_tag_value"]) == (
        "pseudonymisation", "Pseudonimisering")


def test_classification_special_pet_register_passes(tmp_path, golden):
    estate = golden_estate()
    del estate.resources["azure-health"].tags["pet"]
    estate.resources["azure-health"].key_custody = "provider"
    estate.register["azure"].pet = "confidential-computing"
    outcome = run(tmp_path, estate, PET)
    assert only_change(golden(PET), outcome, "azure-health") == ["pass"]
    assert "recorded in the register: confidential-computing" in row(outcome, "azure-health")["message"]


@pytest.mark.parametrize("check", [PET, "location_special"])
def test_special_personal_data_unknown_classification_is_manual(tmp_path, golden, check):
    estate = golden_estate()
    estate.resources["aws-bucket"].tags = {"classification": "Bijzondere PG"}    # unrecognised: named
    estate.register["gcp"].classification = None                              # gcp-bucket: no classification
    outcome = run(tmp_path, estate, check)
    assert changes(golden(check), outcome) == {"aws-bucket": ["manual"], GCP: ["manual"]}
    assert "'Bijzondere PG'" in row(outcome, "aws-bucket")["message"]
    assert row(outcome, GCP)["unclassified_resources"] == 1


def test_classification_special_pet_judges_only_special_personal_data(tmp_path, golden):
    estate = golden_estate()
    estate.resources["aws-bucket"].tags = {"classification": "bijzondere-persoonsgegevens"}    # provider-held key
    assert changes(golden(PET), run(tmp_path, estate, PET)) == {"aws-bucket": ["fail"]}
