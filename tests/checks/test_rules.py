"""The engine's rules, through judge() (facts, checks, packs and rules, as a scan runs them):
error / error_added (not observed is not compliant), transition (2026 transition period) and
explained (comply-or-explain entries)."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine, text

from findings.engine import Params, evaluate
from findings.facts import derive_facts
from findings.packs import load_packs
from tests.support import SCAN_DATE, add_scan, new_inventory, store

from .golden import AWS, AZURE, GCP, accepted_risk, collection, explain, golden_estate, stored

PACKS = ("jenv-aenm-2025", "rijksbreed-2022", "rijksbreed-2026")
FINDINGS = text("""
    select f.pack, f.control_id, f.check_id, f.status, f.check_status, f.deadline, f.provider, f.account_id,
           r.name as resource, f.explain_id, f.accepted_risk_id, f.message
    from finding f left join resource r on r.id = f.resource_id where f.scan_id = :s
    order by f.pack, f.control_id, f.provider, f.account_id, r.name, f.status""")
SECOND_AWS, SANDBOX_AWS = "444455556666", "777788889999"


def judged_engine(tmp_path, estate, packs=PACKS, earlier_scan: datetime | None = None, scan_date: date = SCAN_DATE,
                  due_soon_days: int = 365) -> tuple[Engine, int]:
    """Judge the estate on ``scan_date``; with ``earlier_scan``, its resources were first seen in a scan started then."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    if earlier_scan:
        engine, earlier = new_inventory(tmp_path, earlier_scan)
        store(engine, earlier, list(estate.resources.values()))
        scan_id = add_scan(engine)
        store(engine, scan_id, estate.rows())
    else:
        engine, scan_id = stored(tmp_path, estate)
    derive_facts(engine, scan_id, "classification")
    evaluate(engine, [p for pid, p in load_packs().items() if pid in packs],
             Params(scan_id=scan_id, scan_date=scan_date, profile="ministry", due_soon_days=due_soon_days))
    return engine, scan_id


def findings_of(engine: Engine, scan_id: int) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(FINDINGS, {"s": scan_id})]


def judged(tmp_path, estate, packs=PACKS, earlier_scan: datetime | None = None, scan_date: date = SCAN_DATE) -> list[dict]:
    return findings_of(*judged_engine(tmp_path, estate, packs, earlier_scan, scan_date))


def transition_evidence(engine: Engine, scan_id: int) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(text("""
            select f.control_id, r.name as resource, t.existing_since, t.existing_source, t.existing_before,
                   t.excluded, t.deadline, t.deadline_rule, t.outcome, t.due_soon
            from finding_transition t join finding f on f.id = t.finding_id left join resource r on r.id = f.resource_id
            where t.scan_id = :s order by f.control_id, r.name"""), {"s": scan_id})]


def pick(findings: list[dict], control_id: str, *, resource: str | None = None,
         account_id: str | None = None, status: str | None = None) -> list[dict]:
    return [f for f in findings if f["control_id"] == control_id
            and (resource is None or f["resource"] == resource)
            and (account_id is None or f["account_id"] == account_id)
            and (status is None or f["status"] == status)]


def one(findings: list[dict], control_id: str, **where) -> dict:
    found = pick(findings, control_id, **where)
    assert len(found) == 1, found
    return found[0]


def outside_eea(created_at: datetime | None):
    estate = golden_estate()
    estate.resources["aws-bucket"].region = "us-east-1"
    estate.resources["aws-bucket"].created_at = created_at
    estate.register["aws"].declared_regions += ";us-east-1"    # only RBC26-EEA objects to it
    return estate


def changed(before: list[dict], after: list[dict]) -> list[tuple]:
    """Findings whose status differs between two judgements, as (control, account, resource, status)."""
    def keyed(findings):
        return sorted((f["pack"], f["control_id"], f["account_id"] or "", f["resource"] or "", f["status"])
                      for f in findings)
    b, a = keyed(before), keyed(after)
    return [x for x in a if x not in b] + [("gone",) + x for x in b if x not in a]


@pytest.fixture(scope="module")
def golden_findings(tmp_path_factory):
    return judged(tmp_path_factory.mktemp("judged"), golden_estate())


def test_golden_estate_judged_has_no_failures(golden_findings):
    checked = [f for f in golden_findings if f["check_id"] is not None]
    assert checked and {f["status"] for f in checked} <= {"pass", "not_applicable"}
    assert {f["status"] for f in golden_findings if f["check_id"] is None} <= {"manual", "not_applicable"}


# nothing_judged

def test_a_control_no_configured_source_covers_is_manual(golden_findings):
    finding = one(golden_findings, "JENV25-EXO-VERSION")   # the golden estate has no on-premises endpoint
    assert (finding["status"], finding["check_id"]) == ("manual", None)
    assert finding["message"].startswith("No configured source covers this control (checks: onprem_exchange_version)")


def test_a_control_nothing_observed_falls_under_is_not_applicable(tmp_path):
    estate = golden_estate()
    del estate.resources["azure-health"]                    # the only special personal data
    finding = one(judged(tmp_path, estate, ("rijksbreed-2022",)), "RBC22-SPECIAL")
    assert (finding["status"], finding["message"]) == ("not_applicable",
                                                       "Nothing in the scanned accounts falls under this control")


def test_every_control_has_a_finding(golden_findings):
    controls = {(p.id, c.id) for p in load_packs().values() for c in p.control}
    assert controls == {(f["pack"], f["control_id"]) for f in golden_findings}


# transition

def test_transition_resource_created_before_2026_policy(tmp_path):
    finding = one(judged(tmp_path, outside_eea(datetime(2025, 1, 1, tzinfo=UTC))), "RBC26-EEA", resource="aws-bucket")
    assert (finding["status"], finding["check_status"]) == ("transition", "fail")
    assert str(finding["deadline"]) == "2030-07-03"
    assert finding["message"].endswith("(transition period until 2030-07-03)")


def test_transition_evidence_records_what_decided(tmp_path):
    engine, scan_id = judged_engine(tmp_path, outside_eea(datetime(2025, 1, 1, tzinfo=UTC)))
    [evidence] = transition_evidence(engine, scan_id)
    assert str(evidence.pop("existing_since")).startswith("2025-01-01 00:00:00")
    assert (bool(evidence.pop("due_soon")), {k: str(v) for k, v in evidence.items()}) == (False, {
        "control_id": "RBC26-EEA", "resource": "aws-bucket", "existing_source": "created",
        "existing_before": "2026-07-03", "excluded": "None", "deadline": "2030-07-03", "deadline_rule": "policy",
        "outcome": "transition"})


def test_transition_deadline_is_a_later_contract_end(tmp_path):
    estate = outside_eea(datetime(2025, 1, 1, tzinfo=UTC))
    estate.register["aws"].contract_end = date(2032, 1, 1)
    finding = one(judged(tmp_path, estate), "RBC26-EEA", resource="aws-bucket")
    assert (finding["status"], str(finding["deadline"])) == ("transition", "2032-01-01")


@pytest.mark.parametrize("contract_start", [date(2026, 7, 3), None])
def test_transition_contract_end_counts_only_for_a_contract_concluded_before_the_policy(tmp_path, contract_start):
    estate = outside_eea(datetime(2025, 1, 1, tzinfo=UTC))
    estate.register["aws"].contract_end = date(2032, 1, 1)
    estate.register["aws"].contract_start = contract_start
    finding = one(judged(tmp_path, estate), "RBC26-EEA", resource="aws-bucket")
    assert (finding["status"], str(finding["deadline"])) == ("transition", "2030-07-03")


@pytest.mark.parametrize("scan_date, expected", [
    (date(2030, 7, 2), "transition"),
    (date(2030, 7, 3), "fail"),
    (date(2030, 8, 1), "fail"),
])
def test_transition_ends_at_the_deadline(tmp_path, scan_date, expected):
    findings = judged(tmp_path, outside_eea(datetime(2025, 1, 1, tzinfo=UTC)), scan_date=scan_date)
    finding = one(findings, "RBC26-EEA", resource="aws-bucket")
    assert (finding["status"], str(finding["deadline"])) == (expected, "2030-07-03")
    if expected == "fail":
        assert finding["message"].endswith("(the transition period ended on 2030-07-03)")


def test_transition_a_later_contract_end_ends_too(tmp_path):
    estate = outside_eea(datetime(2025, 1, 1, tzinfo=UTC))
    estate.register["aws"].contract_end = date(2032, 1, 1)
    assert one(judged(tmp_path, estate, scan_date=date(2031, 1, 1)), "RBC26-EEA", resource="aws-bucket")["status"] \
        == "transition"
    assert one(judged(tmp_path / "later", estate, scan_date=date(2032, 1, 2)), "RBC26-EEA",
               resource="aws-bucket")["status"] == "fail"


@pytest.mark.parametrize("scan_date, horizon, due_soon", [
    (date(2029, 8, 1), 365, True),
    (date(2029, 8, 1), 300, False),
    (date(2026, 11, 26), 365, False),
])
def test_transition_due_soon_within_the_configured_horizon(tmp_path, scan_date, horizon, due_soon):
    engine, scan_id = judged_engine(tmp_path, outside_eea(datetime(2025, 1, 1, tzinfo=UTC)), scan_date=scan_date,
                                    due_soon_days=horizon)
    [evidence] = transition_evidence(engine, scan_id)
    assert (evidence["outcome"], bool(evidence["due_soon"])) == ("transition", due_soon)


def test_transition_not_for_resources_created_after_the_policy(tmp_path):
    finding = one(judged(tmp_path, outside_eea(datetime(2026, 8, 1, tzinfo=UTC))), "RBC26-EEA", resource="aws-bucket")
    assert (finding["status"], finding["deadline"]) == ("fail", None)


@pytest.mark.parametrize("created_at, expected", [
    (datetime(2026, 7, 2, 23, 59, 59, tzinfo=UTC), "transition"),
    (datetime(2026, 7, 3, 0, 0, tzinfo=UTC), "fail"),
])
def test_transition_boundary_is_the_adoption_date(tmp_path, created_at, expected):
    assert one(judged(tmp_path, outside_eea(created_at)), "RBC26-EEA", resource="aws-bucket")["status"] == expected


def test_transition_from_first_sighting_in_an_earlier_scan(tmp_path):
    findings = judged(tmp_path, outside_eea(None), earlier_scan=datetime(2026, 5, 1, tzinfo=UTC))
    finding = one(findings, "RBC26-EEA", resource="aws-bucket")
    assert (finding["status"], str(finding["deadline"])) == ("transition", "2030-07-03")


def test_transition_not_when_first_seen_in_this_scan(tmp_path):
    assert one(judged(tmp_path, outside_eea(None)), "RBC26-EEA", resource="aws-bucket")["status"] == "fail"


@pytest.mark.parametrize("mechanism, expected", [("SCC 2021/914", "transition"), (None, "fail")])
def test_transition_never_in_the_2022_pack_and_only_for_what_2022_allowed(tmp_path, mechanism, expected):
    """Personal data without adequacy was allowed in 2022 only under a 9c transfer mechanism."""
    estate = golden_estate()
    estate.resources["aws-bucket"].region = "ap-south-1"       # persoonsgegevens without adequacy
    estate.resources["aws-bucket"].created_at = datetime(2025, 1, 1, tzinfo=UTC)
    estate.register["aws"].transfer_mechanism = mechanism
    estate.register["aws"].transfer_dpia_sent = date(2025, 2, 1)
    findings = judged(tmp_path, estate)
    assert one(findings, "RBC22-PERSONAL", resource="aws-bucket")["status"] == ("pass" if mechanism else "fail")
    assert one(findings, "RBC26-EEA", resource="aws-bucket")["status"] == expected


@pytest.mark.parametrize("explained, expected", [(True, "transition"), (False, "fail")])
def test_transition_for_special_personal_data_outside_adequacy_only_with_a_2022_explain(tmp_path, explained,
                                                                                        expected):
    estate = golden_estate()
    estate.resources["azure-health"].region = "centralindia"      # created 2024
    if explained:
        estate.explains.append(explain("RBC22-SPECIAL", provider="azure", account_id=AZURE))
    assert one(judged(tmp_path, estate, ("rijksbreed-2026",)), "RBC26-EEA", resource="azure-health")["status"] \
        == expected


@pytest.mark.parametrize("explained, expected", [(True, "transition"), (False, "fail")])
def test_transition_for_basisregistratie_bron_only_with_a_2022_explain(tmp_path, explained, expected):
    estate = golden_estate()
    estate.resources["aws-bucket"].tags = {"classification": "basisregistratie-bron"}   # created 2024
    if explained:
        estate.explains.append(explain("RBC22-BASISREG", provider="aws", account_id=AWS))
    assert one(judged(tmp_path, estate, ("rijksbreed-2026",)), "RBC26-BASISREG", resource="aws-bucket")["status"] \
        == expected


@pytest.mark.parametrize("classification", ["staatsgeheim", "tbb1", "tbb2", "tbb3"])
def test_transition_never_for_what_2022_already_forbade_classified(tmp_path, classification):
    estate = outside_eea(datetime(2024, 3, 1, tzinfo=UTC))
    estate.resources["aws-bucket"].tags = {"classification": classification}
    findings = judged(tmp_path, estate, ("rijksbreed-2026",))
    eea = one(findings, "RBC26-EEA", resource="aws-bucket")
    assert (eea["status"], eea["deadline"]) == ("fail", None)
    assert one(findings, "RBC26-CLASSIFIED", resource="aws-bucket")["status"] == "fail"


def test_transition_never_for_classified_data_even_inside_the_eea(tmp_path):
    """RBC26-CLASSIFIED itself has no transition (section 5.2: "blijft niet toegestaan")."""
    estate = golden_estate()
    estate.resources["aws-bucket"].tags = {"classification": "staatsgeheim"}   # created 2024
    assert one(judged(tmp_path, estate, ("rijksbreed-2026",)), "RBC26-CLASSIFIED",
               resource="aws-bucket")["status"] == "fail"


def test_transition_never_in_a_state_with_an_offensive_cyber_programme(tmp_path):
    estate = outside_eea(datetime(2024, 3, 1, tzinfo=UTC))
    estate.resources["aws-bucket"].region = "ap-east-1"          # Hong Kong
    estate.register["aws"].declared_regions += ";ap-east-1"
    engine, scan_id = judged_engine(tmp_path, estate, ("rijksbreed-2026",))
    assert one(findings_of(engine, scan_id), "RBC26-EEA", resource="aws-bucket")["status"] == "fail"
    [evidence] = transition_evidence(engine, scan_id)
    assert (evidence["outcome"], evidence["excluded"]) == (
        "excluded", "located in a state with an offensive cyber programme (HK)")


@pytest.mark.parametrize("in_use_since, expected", [
    (date(2023, 2, 1), "transition"),
    (date(2026, 9, 1), "fail"),        # the register says use began later: newer, so not existing use
    (None, "transition"),              # the account's creation time (2023-01-10)
])
def test_transition_of_an_account_level_finding(tmp_path, in_use_since, expected):
    estate = golden_estate()
    estate.register["gcp"].exit_plan_ref = None
    estate.register["gcp"].in_use_since = in_use_since
    assert one(judged(tmp_path, estate), "RBC26-EXITPLAN", account_id=GCP)["status"] == expected


def test_transition_the_providers_creation_time_wins_over_the_register(tmp_path):
    estate = golden_estate()
    estate.register["gcp"].exit_plan_ref = None
    estate.accounts["gcp"].created_at = datetime(2026, 9, 1, tzinfo=UTC)     # register: in use since 2023-02-01
    assert one(judged(tmp_path, estate), "RBC26-EXITPLAN", account_id=GCP)["status"] == "fail"


# explained: only on a control whose text gives a route (2022 conditions 10 and 11), with its conditions

def special_outside_adequacy():
    """azure-health (bijzondere-persoonsgegevens) moved to India: RBC22-SPECIAL fails."""
    estate = golden_estate()
    estate.resources["azure-health"].region = "centralindia"
    estate.register["azure"].declared_regions += ";centralindia"
    return estate


def basisregistratie_bron():
    estate = golden_estate()
    estate.resources["aws-bucket"].tags = {"classification": "basisregistratie-bron"}
    return estate


@pytest.mark.parametrize("scope", [
    {"provider": "azure", "account_id": AZURE},
    {"provider": "azure", "account_id": AZURE, "resource_uid": f"/subscriptions/{AZURE}/resourceGroups/rg-jenv/"
                                                               "providers/Microsoft.Sql/servers/jenv/databases/zorg"},
    {},                                                                  # scope = "all"
])
def test_explained_condition_10_by_a_valid_entry(tmp_path, scope):
    estate = special_outside_adequacy()
    before = judged(tmp_path / "before", estate, ("rijksbreed-2022",))
    assert one(before, "RBC22-SPECIAL", resource="azure-health")["status"] == "fail"
    estate.explains.append(explain("RBC22-SPECIAL", **scope))
    findings = judged(tmp_path, estate, ("rijksbreed-2022",))
    finding = one(findings, "RBC22-SPECIAL", resource="azure-health")
    assert (finding["status"], finding["check_status"], finding["explain_id"]) == ("explained", "fail", 1)
    assert changed(before, findings) == [
        ("rijksbreed-2022", "RBC22-SPECIAL", AZURE, "azure-health", "explained"),
        ("gone", "rijksbreed-2022", "RBC22-SPECIAL", AZURE, "azure-health", "fail")]


@pytest.mark.parametrize("missing", ["transfer_mechanism", "sent_to_cio_rijk"])
def test_explained_condition_10_not_without_its_conditions(tmp_path, missing):
    estate = special_outside_adequacy()
    estate.explains.append(explain("RBC22-SPECIAL", provider="azure", account_id=AZURE, **{missing: None}))
    finding = one(judged(tmp_path, estate, ("rijksbreed-2022",)), "RBC22-SPECIAL", resource="azure-health")
    assert (finding["status"], finding["explain_id"]) == ("fail", None)


@pytest.mark.parametrize("route, expected", [
    ({}, "explained"),
    ({"advice_requested": None}, "fail"),
    ({"advised_on": None}, "fail"),
    ({"advised_on": date(2026, 6, 2)}, "fail"),                                # advice after the approval
    ({"advice_requested": date(2026, 6, 2), "advised_on": date(2026, 6, 3)}, "fail"),
    ({"advice_requested": date(2026, 5, 2), "advised_on": date(2026, 5, 1)}, "fail"),   # advice before asked
])
def test_explained_condition_11_needs_cio_rijks_advice_before_the_approval(tmp_path, route, expected):
    estate = basisregistratie_bron()
    estate.explains.append(explain("RBC22-BASISREG", provider="aws", account_id=AWS, **route))
    finding = one(judged(tmp_path, estate, ("rijksbreed-2022",)), "RBC22-BASISREG", resource="aws-bucket")
    assert finding["status"] == expected


@pytest.mark.parametrize("control_id, resource", [
    ("RBC22-STATESECRET", "aws-bucket"), ("RBC26-CLASSIFIED", "aws-bucket"), ("RBC26-EEA", "aws-bucket")])
def test_explained_never_on_a_control_without_a_route(tmp_path, control_id, resource):
    """Defence in depth: the register refuses such entries; the rule ignores one that reaches the database."""
    estate = outside_eea(datetime(2026, 8, 1, tzinfo=UTC))
    estate.resources["aws-bucket"].tags = {"classification": "staatsgeheim"}
    estate.explains.append(explain(control_id, provider="aws", account_id=AWS))
    finding = one(judged(tmp_path, estate), control_id, resource=resource)
    assert (finding["status"], finding["explain_id"]) == ("fail", None)


@pytest.mark.parametrize("scope", [
    {"account_id": AZURE, "expires": date(2026, 11, 1)},                 # expired before the scan
    {"account_id": AZURE, "control_id": "RBC22-BASISREG"},               # another control
    {"account_id": AWS},                                                 # another account
    {"provider": "gcp"},                                                 # another provider
    {"resource_uid": "/subscriptions/x/another-database"},               # another resource
    {"account_id": AZURE, "approved_on": date(2026, 12, 1)},             # approved after the scan
])
def test_explained_not_by_an_entry_that_does_not_cover_it(tmp_path, scope):
    approved_on = scope.pop("approved_on", None)
    estate = special_outside_adequacy()
    estate.explains.append(explain(scope.pop("control_id", "RBC22-SPECIAL"), **scope))
    estate.explains[0].approved_on = approved_on or estate.explains[0].approved_on
    finding = one(judged(tmp_path, estate, ("rijksbreed-2022",)), "RBC22-SPECIAL", resource="azure-health")
    assert (finding["status"], finding["explain_id"]) == ("fail", None)


# accepted risk

def test_accepted_risk_is_recorded_and_the_finding_stays_fail(tmp_path):
    estate = golden_estate()
    estate.resources["aws-bucket"].tags = {"classification": "staatsgeheim"}
    estate.accepted_risks.append(accepted_risk("RBC22-STATESECRET", provider="aws", account_id=AWS))
    findings = judged(tmp_path, estate, ("rijksbreed-2022",))
    finding = one(findings, "RBC22-STATESECRET", resource="aws-bucket")
    assert (finding["status"], finding["accepted_risk_id"], finding["explain_id"]) == ("fail", 1, None)
    assert all(f["accepted_risk_id"] is None for f in findings if f is not finding)


def test_accepted_risk_out_of_scope_is_not_recorded(tmp_path):
    estate = golden_estate()
    estate.resources["aws-bucket"].tags = {"classification": "staatsgeheim"}
    estate.accepted_risks.append(accepted_risk("RBC22-STATESECRET", provider="azure", account_id=AZURE))
    finding = one(judged(tmp_path, estate, ("rijksbreed-2022",)), "RBC22-STATESECRET", resource="aws-bucket")
    assert (finding["status"], finding["accepted_risk_id"]) == ("fail", None)


# error and error_added

def test_error_failed_security_services_turns_that_accounts_pass_into_error(tmp_path, golden_findings):
    estate = golden_estate()
    estate.add_account("aws", SECOND_AWS, "aws-prod")
    estate.collections.append(collection("aws", "security_services", AWS, ok=False, call="guardduty:ListDetectors"))
    findings = judged(tmp_path, estate)
    finding = one(findings, "JENV25-CSP-SECTOOLS", account_id=AWS)
    assert (finding["status"], finding["check_status"]) == ("error", "pass")
    assert finding["message"] == ("Not observed: guardduty:ListDetectors in region global failed: AccessDenied: not authorised"
                                  " (needs test:Read)")
    for account_id in (SECOND_AWS, AZURE, GCP):
        assert one(findings, "JENV25-CSP-SECTOOLS", account_id=account_id)["status"] == "pass"
    assert [c for c in changed(golden_findings, findings) if SECOND_AWS not in c] == [
        ("jenv-aenm-2025", "JENV25-CSP-SECTOOLS", AWS, "", "error"),
        ("gone", "jenv-aenm-2025", "JENV25-CSP-SECTOOLS", AWS, "", "pass")]


def test_error_estate_failure_adds_an_error_and_turns_its_accounts_passes_into_error(tmp_path):
    estate = golden_estate()
    estate.add_account("aws", SECOND_AWS, "aws-prod")
    estate.add_account("aws", SANDBOX_AWS, "aws-sandbox")
    estate.collections.append(collection("aws", "inventory", None, ok=False, call="organizations:ListAccounts"))
    findings = judged(tmp_path, estate)
    added = [f for f in findings if f["account_id"] is None and f["provider"] == "aws"]
    assert {f["control_id"] for f in added} >= {"RBC26-EEA", "RBC26-ENCRYPT", "RBC22-C2000", "RBC22-CHARACTERISTICS"}
    assert all(f["status"] == "error" and "Not observed in estate aws-prod: " in f["message"] for f in added)
    for account_id in (AWS, SECOND_AWS):
        assert one(findings, "RBC22-CHARACTERISTICS", account_id=account_id)["status"] == "error"
    for account_id in (SANDBOX_AWS, AZURE):
        assert one(findings, "RBC22-CHARACTERISTICS", account_id=account_id)["status"] == "pass"
    # observed resources keep their findings; checks that do not need the inventory are untouched
    assert one(findings, "RBC26-EEA", resource="aws-bucket")["status"] == "pass"
    assert one(findings, "RBC22-KNOWN", account_id=AWS)["status"] == "pass"


def test_error_turns_not_applicable_into_error(tmp_path):
    estate = golden_estate()
    estate.register["azure"].material = False       # RBC26-NOTIFY: not_applicable
    estate.collections.append(collection("azure", "accounts", AZURE, ok=False))
    finding = one(judged(tmp_path, estate), "RBC26-NOTIFY", account_id=AZURE)
    assert (finding["status"], finding["check_status"]) == ("error", "not_applicable")


def test_error_added_for_resource_level_checks_of_the_account(tmp_path):
    estate = golden_estate()
    failed = collection("aws", "inventory", AWS, ok=False, call="s3:ListBuckets")
    failed.region = "eu-west-3"
    estate.collections.append(failed)
    findings = judged(tmp_path, estate)
    errors = [f for f in pick(findings, "RBC26-EEA", account_id=AWS) if f["status"] == "error"]
    assert len(errors) == 1 and errors[0]["resource"] is None
    assert errors[0]["message"] == ("Not observed: s3:ListBuckets in region eu-west-3 failed: AccessDenied: not authorised"
                                    " (needs test:Read); 1 failed call(s) in all")
    assert one(findings, "RBC26-EEA", resource="aws-bucket")["status"] == "pass"


def test_error_keeps_an_observed_failure_and_adds_an_error(tmp_path):
    estate = golden_estate()
    estate.register["aws"].sub_processors = None
    estate.collections.append(collection("aws", "inventory", AWS, ok=False))
    statuses = sorted(f["status"] for f in pick(judged(tmp_path, estate), "RBC22-CHARACTERISTICS", account_id=AWS))
    assert statuses == ["error", "fail"]


def test_error_in_accounts_leaves_no_check_of_that_estate_silent(tmp_path):
    """Credentials that do not work at all: no account, no resource, and still every control says error."""
    estate = golden_estate()
    estate.add_account("aws", SECOND_AWS, "aws-prod")
    estate.collections.append(collection("aws", "accounts", None, ok=False, call="sts:GetCallerIdentity"))
    findings = judged(tmp_path, estate)
    added = {f["control_id"] for f in findings if f["account_id"] is None and f["provider"] == "aws"
             and f["status"] == "error" and "Not observed in estate aws-prod: " in f["message"]}
    assert added >= {"RBC26-EEA", "RBC26-ENCRYPT", "RBC22-C2000", "RBC22-KNOWN", "JENV25-CSP-SECTOOLS"}
    assert one(findings, "RBC22-KNOWN", account_id=SECOND_AWS)["status"] == "error"
    assert one(findings, "RBC22-KNOWN", account_id=AZURE)["status"] == "pass"


def test_error_in_an_area_no_check_requires_changes_nothing(tmp_path, golden_findings):
    estate = golden_estate()
    estate.collections.append(collection("aws", "security_services", AWS, ok=False))
    packs = ("rijksbreed-2022", "rijksbreed-2026")       # no check of these packs requires security_services
    findings = judged(tmp_path, estate, packs)
    assert changed([f for f in golden_findings if f["pack"] in packs], findings) == []


# manual guidance

def test_manual_guidance_of_a_control_follows_its_attestation(tmp_path):
    estate = golden_estate()
    estate.attestations = [a for a in estate.attestations if a.control_id != "RBC26-CLASSIFIED"]
    findings = pick(judged(tmp_path, estate, ("rijksbreed-2026",)), "RBC26-CLASSIFIED")
    [finding] = [f for f in findings if f["check_id"] == "attestation"]
    assert finding["status"] == "manual"
    assert finding["message"].startswith("No attestation in the register. ABRO 2026:")


def test_manual_guidance_is_not_appended_to_another_checks_manual_row(tmp_path):
    estate = golden_estate()
    estate.register["aws"].classification = None
    finding = one(judged(tmp_path, estate, ("rijksbreed-2026",)), "RBC26-CLASSIFIED", account_id=AWS, status="manual")
    assert finding["check_id"] == "classification_forbidden"
    assert "ABRO" not in finding["message"]
