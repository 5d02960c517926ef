"""Meta-tests of the checks: every check is used, returns the result contract on the golden
estate, binds no parameter from a comment, and has a test here that makes it pass and one that
makes it fail (for attestation: not pass, i.e. manual)."""

import ast
import re
from pathlib import Path

import pytest

from findings.engine import REQUIRED_COLUMNS, RULES, CheckError, Params, insert_findings, rule_sql, run_check
from findings.facts import derive_facts
from findings.packs import Check, load_checks, load_packs
from inventory.drafts import open_drafts
from inventory.vocabulary import STATUSES
from policies import CHECKS_DIR
from tests.support import SCAN_DATE

from .golden import golden_estate, stored

HERE = Path(__file__).parent
# The M365 and on-premises checks are tested with their connectors' tables by their own helper.
OWN_TESTS = {"m365", "onprem"}
# check id -> (test that makes it pass, test that makes it fail), as "module::function"
COVERAGE = {
    "location_eea": ("test_location::test_location_eea_golden_passes", "test_location::test_location_eea_region"),
    "location_c2000": ("test_location::test_location_c2000_golden_passes", "test_location::test_location_c2000_region"),
    "location_personal": ("test_location::test_location_personal_region",
                          "test_location::test_location_personal_us_fails_without_dpf_certification"),
    "location_special": ("test_location::test_location_special_golden_passes",
                         "test_location::test_location_special_fails_in_india_even_with_transfer_mechanism"),
    "encryption_at_rest": ("test_encryption::test_encryption_at_rest_unencrypted_public_data_by_tag_passes",
                           "test_encryption::test_encryption_at_rest_unencrypted_fails"),
    "classification_forbidden": ("test_classification::test_classification_golden_passes_with_one_row_per_account",
                                 "test_classification::test_classification_by_tag"),
    "classification_special_pet": ("test_classification::test_classification_special_pet_register_passes",
                                   "test_classification::test_classification_special_pet_without_evidence_fails"),
    "register_known": ("test_register::test_register_golden_passes",
                       "test_register::test_register_account_not_in_register_fails"),
    "register_risk": ("test_register::test_register_golden_passes",
                      "test_register::test_register_field_missing_fails_naming_it"),
    "register_exit_strategy": ("test_register::test_register_golden_passes",
                               "test_register::test_register_exit_strategy_names_only_the_missing_part"),
    "register_exit_contract": ("test_register::test_register_golden_passes",
                               "test_register::test_register_field_missing_fails_naming_it"),
    "register_exit_plan": ("test_register::test_register_golden_passes",
                           "test_register::test_register_exit_plan_both_missing"),
    "register_notify": ("test_register::test_register_golden_passes",
                        "test_register::test_register_field_missing_fails_naming_it"),
    "register_characteristics": ("test_register::test_register_golden_passes",
                                 "test_register::test_register_characteristics_undeclared_region_fails"),
    "register_jurisdiction": ("test_register::test_register_jurisdiction_eea_supplier_passes_without_coverage",
                              "test_register::test_register_jurisdiction_not_covered_fails"),
    "register_critical": ("test_register::test_register_critical_not_material_passes",
                          "test_register::test_register_critical_material_foreign_supplier_fails"),
    "security_csp_native": ("test_security::test_security_csp_native_golden_passes",
                            "test_security::test_security_csp_native_enabled_product_fails_naming_it"),
    "attestation": ("test_security::test_attestation_golden_passes", "test_security::test_attestation_validity"),
    "scope_excluded": ("test_scope::test_scope_golden_has_no_rows", "test_scope::test_scope_left_out_regions_are_manual_naming_them"),
}
# what SQLAlchemy's text() takes for a bind parameter (sqlalchemy.sql.elements.TextClause._bind_params_regex)
BIND = re.compile(r"(?<![:\w\\]):(\w+)(?!:)")
STRING = re.compile(r"'(?:[^']|'')*'")


def own_tests(check_id: str) -> bool:
    providers = set(load_checks()[check_id].providers)
    return bool(providers) and providers <= OWN_TESTS


def comment_binds(sql: str) -> list[str]:
    """Bind parameters SQLAlchemy would find inside ``--`` comments."""
    found = []
    for line in STRING.sub("''", sql).splitlines():
        if "--" in line:
            found += BIND.findall(line.split("--", 1)[1])
    return found


def test_every_check_is_used_by_a_pack_control():
    used = {c for pack in load_packs().values() for control in pack.control for c in control.checks}
    assert sorted(set(load_checks()) - used) == []


def test_every_check_file_has_both_halves():
    assert sorted(p.stem for p in CHECKS_DIR.glob("*.sql")) == sorted(p.stem for p in CHECKS_DIR.glob("*.toml"))


@pytest.mark.parametrize("path", sorted(CHECKS_DIR.glob("*.sql")) + [Path(f"rules/{r}.sql") for r in RULES], ids=str)
def test_no_bind_parameter_in_a_comment(path):
    sql = rule_sql(path.stem) if path.parts[0] == "rules" else path.read_text(encoding="utf-8")
    assert comment_binds(sql) == []


def test_comment_binds_finds_what_sqlalchemy_would_bind():
    sql = "select 1 -- once per :control_id\n-- at 10:30, '::text'\nwhere a = ':x' -- ok"
    assert comment_binds(sql) == ["control_id"]


@pytest.fixture(scope="module")
def golden_inventory(tmp_path_factory):
    engine, scan_id = stored(tmp_path_factory.mktemp("contract"), golden_estate())
    derive_facts(engine, scan_id, "classification")
    return engine, scan_id


def controls_of(check_id: str) -> list[str | None]:
    ids = [c.id for p in load_packs().values() for c in p.control if check_id in c.checks]
    return ids if ":control_id" in load_checks()[check_id].sql else [None]


@pytest.mark.parametrize("check_id", sorted(load_checks()))
def test_check_returns_the_contract_on_the_golden_estate(golden_inventory, check_id):
    engine, scan_id = golden_inventory
    check = load_checks()[check_id]
    for control_id in controls_of(check_id):
        for row in run_check(engine, check, Params(scan_id, SCAN_DATE, "critical"), control_id):
            assert set(REQUIRED_COLUMNS) <= set(row) and row["status"] in STATUSES
            assert row["provider"] is None or not check.providers or row["provider"] in check.providers


def used_checks() -> list[str]:
    return sorted({c for p in load_packs().values() for control in p.control for c in control.checks})


@pytest.mark.parametrize("check_id", [c for c in used_checks() if own_tests(c)])
def test_connector_checks_are_tested_with_their_connector(check_id):
    """Checks over connector tables (m365_*, onprem_*) are tested with the connector's fakes."""
    tests = HERE.parent / load_checks()[check_id].providers[0]
    assert any(check_id in path.read_text(encoding="utf-8") for path in tests.glob("test_*.py")), check_id


@pytest.mark.parametrize("check_id", [c for c in used_checks() if not own_tests(c)])
def test_check_has_a_pass_and_a_fail_test(check_id):
    assert check_id in COVERAGE, f"add a pass and a fail test for {check_id} to COVERAGE"
    for name in COVERAGE[check_id]:
        module, function = name.split("::")
        tree = ast.parse((HERE / f"{module}.py").read_text(encoding="utf-8"))
        functions = {f.name: f for f in tree.body if isinstance(f, ast.FunctionDef)}
        assert function in functions, f"{name} does not exist"
        assert check_id in ast.get_source_segment((HERE / f"{module}.py").read_text(encoding="utf-8"),
                                                  functions[function]) or check_id in _constants(tree), name


def _constants(tree: ast.Module) -> str:
    """Module-level constants (CHECK, CHECKS, PET ...) a test may name its check through."""
    return " ".join(ast.unparse(node) for node in tree.body if isinstance(node, ast.Assign))


def test_coverage_names_only_known_checks():
    assert sorted(set(COVERAGE) - set(load_checks())) == []


@pytest.mark.parametrize("columns, error", [
    ("'ok' as status, 'location_eea.inside' as message_key, 'NL' as countries, region", "returned a status that is not one of"),
    ("null as status, 'location_eea.inside' as message_key, 'NL' as countries, region", "returned a status that is not one of"),
    ("'pass' as status, 'location_eea.nowhere' as message_key, 'NL' as countries, region",
     "message_key 'location_eea.nowhere' has no template"),
    ("'pass' as status, 'location_eea.inside' as message_key, region", "does not return the message parameter.s. countries"),
])
def test_a_row_outside_the_contract_is_refused(tmp_path, columns, error):
    """A status outside the vocabulary, a message key without a template, a template parameter the row lacks."""
    engine, scan_id = stored(tmp_path, golden_estate())
    derive_facts(engine, scan_id, "classification")
    pack = load_packs()["rijksbreed-2026"]
    control = next(c for c in pack.control if c.id == "RBC26-EEA")
    check = Check(id="location_eea", description="a row outside the contract", providers=("aws",),
                  sql=f"select provider, account_id, id as resource_id, {columns} from resource where scan_id = :scan_id")
    with engine.begin() as conn, pytest.raises(CheckError, match=f"check location_eea: .*{error}"):
        open_drafts(conn)
        insert_findings(conn, pack, control, check, Params(scan_id, SCAN_DATE, "ministry"))
