"""Register checks: every discovered cloud service is registered in full (register_known, _risk,
_exit_strategy, _exit_contract, _exit_plan, _notify, _characteristics, _jurisdiction, _critical).

One row per account; a mutation removes one register field, or the entry, and exactly that
account's row must flip, with a message that names what is missing.
"""

from datetime import date

import pytest

from inventory.rows import Account

from .golden import (
    ACCOUNT_IDS,
    AWS,
    AZURE,
    GCP,
    M365,
    all_statuses,
    changes,
    golden_estate,
    only_change,
    provider_fact,
    row,
    run,
)

CHECKS = ("register_known", "register_risk", "register_exit_strategy", "register_exit_contract", "register_exit_plan",
          "register_notify", "register_characteristics", "register_jurisdiction")
# (check, register field removed, provider, text the message must contain)
MISSING = [
    ("register_risk", "risk_assessment_ref", "aws", "names no risk assessment / DPIA"),
    ("register_risk", "risk_assessment_date", "gcp", "has no date"),
    ("register_exit_strategy", "exit_portability_terms", "azure", "missing: exit_strategy.portability_terms"),
    ("register_exit_strategy", "exit_alternative", "m365", "missing: exit_strategy.alternative"),
    ("register_exit_strategy", "exit_crisis", "aws", "missing: exit_strategy.crisis"),
    ("register_exit_strategy", "exit_regular", "gcp", "missing: exit_strategy.regular"),
    ("register_exit_contract", "exit_portability_terms", "m365", "names no contractual exit terms"),
    ("register_exit_plan", "exit_plan_ref", "azure", "The exit plan is missing"),
    ("register_exit_plan", "emergency_plan_ref", "aws", "The emergency plan is missing"),
    ("register_notify", "reported_to_cio_rijk", "gcp", "not reported to CIO Rijk"),
    ("register_characteristics", "sub_processors", "aws", "lacks: sub_processors"),
    ("register_characteristics", "service_model", "azure", "lacks: service_model"),
    ("register_characteristics", "declared_regions", "gcp", "lacks: declared_regions"),
    ("register_characteristics", "right_to_audit", "m365", "lacks: right_to_audit"),
]
EXIT_PARTS = {"exit_portability_terms": "exit_strategy.portability_terms", "exit_alternative": "exit_strategy.alternative",
              "exit_crisis": "exit_strategy.crisis", "exit_regular": "exit_strategy.regular"}
MATERIAL_ONLY = {"register_exit_plan", "register_notify", "register_jurisdiction"}


@pytest.mark.parametrize("check", CHECKS)
def test_register_golden_passes(golden, check):
    outcome = golden(check)
    assert set(outcome) == set(ACCOUNT_IDS.values())
    assert all(r["status"] == "pass" for rows in outcome.values() for r in rows)


@pytest.mark.parametrize("check, field, provider, text", MISSING)
def test_register_field_missing_fails_naming_it(tmp_path, golden, check, field, provider, text):
    estate = golden_estate()
    setattr(estate.register[provider], field, None)
    outcome = run(tmp_path, estate, check)
    account_id = ACCOUNT_IDS[provider]
    assert only_change(golden(check), outcome, account_id) == ["fail"]
    assert text in row(outcome, account_id)["message"]


@pytest.mark.parametrize("field", EXIT_PARTS)
def test_register_exit_strategy_names_only_the_missing_part(tmp_path, field):
    estate = golden_estate()
    setattr(estate.register["aws"], field, None)
    message = row(run(tmp_path, estate, "register_exit_strategy"), AWS)["message"]
    assert [part for part in EXIT_PARTS.values() if part in message] == [EXIT_PARTS[field]]


def test_register_exit_plan_both_missing(tmp_path):
    estate = golden_estate()
    estate.register["aws"].exit_plan_ref = estate.register["aws"].emergency_plan_ref = None
    found = row(run(tmp_path, estate, "register_exit_plan"), AWS)
    assert found["status"] == "fail" and found["message"] == "Both the exit plan and the emergency plan are missing"


def test_register_jurisdiction_not_covered_fails(tmp_path, golden):
    estate = golden_estate()
    estate.register["azure"].risk_covers_jurisdiction = False
    outcome = run(tmp_path, estate, "register_jurisdiction")
    assert only_change(golden("register_jurisdiction"), outcome, AZURE) == ["fail"]
    assert "does not cover jurisdiction" in row(outcome, AZURE)["message"]


def test_register_jurisdiction_eea_supplier_passes_without_coverage(tmp_path, golden):
    estate = golden_estate()
    estate.register["azure"].risk_covers_jurisdiction = False
    outcome = run(tmp_path, estate, "register_jurisdiction", provider_fact("azure", jurisdiction="DE"))
    assert only_change(golden("register_jurisdiction"), outcome, AZURE) == ["pass"]
    assert "DE jurisdiction (EEA)" in row(outcome, AZURE)["message"]


def test_register_jurisdiction_records_concentration(golden):
    found = row(golden("register_jurisdiction"), AWS)
    figures = ("provider_resources", "all_resources", "provider_services", "all_services")
    assert [found[f] for f in figures] == [2, 6, 1, 4]


@pytest.mark.parametrize("check", CHECKS)
def test_register_account_not_in_register_fails(tmp_path, golden, check):
    estate = golden_estate()
    del estate.register["gcp"]
    outcome = run(tmp_path, estate, check)
    assert only_change(golden(check), outcome, GCP) == ["fail"]
    assert "not in the register" in row(outcome, GCP)["message"]


@pytest.mark.parametrize("check", CHECKS)
def test_register_not_material(tmp_path, golden, check):
    estate = golden_estate()
    estate.register["m365"].material = False
    outcome = run(tmp_path, estate, check)
    expected = "not_applicable" if check in MATERIAL_ONLY else "pass"
    assert only_change(golden(check), outcome, M365) == [expected]


def test_register_characteristics_undeclared_region_fails(tmp_path, golden):
    estate = golden_estate()
    estate.resources["aws-function"].region = "eu-west-3"
    outcome = run(tmp_path, estate, "register_characteristics")
    assert only_change(golden("register_characteristics"), outcome, AWS) == ["fail"]
    found = row(outcome, AWS)
    assert found["undeclared_regions"] == 1 and "not declared in the register, e.g. eu-west-3" in found["message"]


def test_register_characteristics_region_none_is_not_undeclared(tmp_path, golden):
    estate = golden_estate()
    estate.resources["aws-function"].region = None
    assert changes(golden("register_characteristics"), run(tmp_path, estate, "register_characteristics")) == {}


@pytest.mark.parametrize("check", CHECKS + ("register_critical",))
def test_register_skips_onprem_endpoints(tmp_path, golden, check):
    estate = golden_estate()
    estate.accounts["onprem"] = Account(provider="onprem", account_id="https://mail.jenv.example",
                                        kind="onprem-endpoint", estate="onprem", raw={})
    assert changes(golden(check), run(tmp_path, estate, check)) == {}


# register_critical (RBC26-CRITICAL)

def test_register_critical_ministry_is_not_applicable(golden):
    outcome = golden("register_critical")
    assert set(outcome) == set(ACCOUNT_IDS.values())
    assert all(r["status"] == "not_applicable" for rows in outcome.values() for r in rows)


@pytest.mark.parametrize("profile", ["critical", "essential"])
def test_register_critical_material_foreign_supplier_fails(golden, profile):
    outcome = golden("register_critical", profile=profile)
    assert set(outcome) == set(ACCOUNT_IDS.values()) and all_statuses(outcome) == {"fail"}
    assert row(outcome, AWS)["organisation_profile"] == profile
    assert "Core tasks depend on a supplier under US jurisdiction" in row(outcome, AWS)["message"]


def test_register_critical_not_material_passes(tmp_path, golden):
    estate = golden_estate()
    estate.register["aws"].material = False
    outcome = run(tmp_path, estate, "register_critical", profile="critical")
    assert only_change(golden("register_critical", profile="critical"), outcome, AWS) == ["pass"]


def test_register_critical_eea_supplier_passes(tmp_path, golden):
    outcome = run(tmp_path, golden_estate(), "register_critical", provider_fact("gcp", jurisdiction="NL"),
                  profile="essential")
    assert only_change(golden("register_critical", profile="essential"), outcome, GCP) == ["pass"]


def test_register_critical_unregistered_account_fails(tmp_path, golden):
    estate = golden_estate()
    del estate.register["aws"]
    outcome = run(tmp_path, estate, "register_critical", profile="critical")
    assert only_change(golden("register_critical", profile="critical"), outcome, AWS) == ["fail"]
    assert "Not in the register (material use unknown)" in row(outcome, AWS)["message"]


def test_register_notify_message_gives_the_date(golden):
    assert row(golden("register_notify"), GCP)["message"] == f"Reported to CIO Rijk on {date(2026, 9, 1)}"


def test_register_right_to_audit_false_fails(tmp_path, golden):
    estate = golden_estate()
    estate.register["azure"].right_to_audit = False
    outcome = run(tmp_path, estate, "register_characteristics")
    assert only_change(golden("register_characteristics"), outcome, ACCOUNT_IDS["azure"]) == ["fail"]
    assert "lacks: right_to_audit = false" in row(outcome, ACCOUNT_IDS["azure"])["message"]
