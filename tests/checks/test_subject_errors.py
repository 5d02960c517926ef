"""Every check depends on its collections per subject: a failed call for one resource (collection.subject)
in an area the check requires makes that resource's findings of the check `error` (rule error_subject),
whatever the check said; an account-level finding becomes `error` too (rule error). Other subjects stay."""

import pytest

from findings.packs import load_checks, load_packs

from .golden import Estate, golden_estate
from .test_rules import judged

CHECKS = sorted(c.id for c in load_checks().values() if c.requires and set(c.providers) - {"m365", "onprem"})


def failing_estate() -> Estate:
    """The golden estate with findings that fail: a bucket outside the EEA and unencrypted, special and state-secret
    data without safeguards, registers without characteristics, and no security services."""
    estate = golden_estate()
    bucket = estate.resources["aws-bucket"]
    bucket.region, bucket.encrypted = "us-east-1", False
    estate.resources["azure-health"].tags = {"classification": "bijzondere-persoonsgegevens"}
    estate.resources["azure-health"].region = "eastus"
    estate.resources["gcp-bucket"].region, estate.resources["gcp-bucket"].tags = "us-central1", {"classification": "staatsgeheim"}
    for entry in estate.register.values():
        entry.sub_processors = entry.exit_crisis = entry.risk_assessment_ref = entry.exit_portability_terms = None
        entry.classification = "bijzondere-persoonsgegevens"
    estate.security = []
    return estate


ESTATES = {"golden": golden_estate, "failing": failing_estate}


def packs_of(check_id: str) -> tuple[str, ...]:
    return tuple(pid for pid, pack in load_packs().items() if any(check_id in c.checks for c in pack.control))


@pytest.fixture(scope="module")
def before(tmp_path_factory):
    """The findings of each estate, judged by the packs of one check (computed once per pair)."""
    cache = {}

    def findings(estate: str, check_id: str) -> list[dict]:
        if (estate, check_id) not in cache:
            cache[estate, check_id] = judged(tmp_path_factory.mktemp(estate), ESTATES[estate](), packs_of(check_id))
        return cache[estate, check_id]
    return findings


def subject_of(findings: list[dict], check_id: str) -> dict:
    """The check's finding to break, not yet an error: a resource's before an account's, a failing one before others."""
    own = [f for f in findings if f["check_id"] == check_id and f["check_status"] != "error" and f["provider"]]
    assert own, f"{check_id} gives no finding to depend on"
    return min(own, key=lambda f: (f["resource"] is None, f["check_status"] != "fail"))


def failed_call(estate: Estate, finding: dict, area: str):
    """A failed per-resource call in ``area`` for the finding's resource (an account-level finding: any of its account's)."""
    resources = [r for r in estate.resources.values() if r.provider == finding["provider"]
                 and r.account_id == finding["account_id"]]
    subject = estate.resources[finding["resource"]] if finding["resource"] else resources[0]
    failure = next(c for c in estate.collections if c.provider == finding["provider"])
    return type(failure)(provider=subject.provider, estate=failure.estate, account_id=subject.account_id, area=area,
                         call="test:GetDetail", ok=False, error="AccessDenied: not authorised", permission="test:Read",
                         subject=subject.uid)


def same_subject(a: dict, b: dict) -> bool:
    return all(a[k] == b[k] for k in ("pack", "control_id", "check_id", "provider", "account_id", "resource"))


@pytest.mark.parametrize("estate_name", ESTATES)
@pytest.mark.parametrize("check_id", CHECKS)
def test_a_failed_call_for_a_subject_makes_its_findings_error(tmp_path, before, check_id, estate_name):
    findings = before(estate_name, check_id)
    finding = subject_of(findings, check_id)
    for area in load_checks()[check_id].requires:
        estate = ESTATES[estate_name]()
        estate.collections.append(failed_call(estate, finding, area))
        after = judged(tmp_path / area, estate, packs_of(check_id))
        now = [f for f in after if same_subject(f, finding) and f["status"] == "error"]
        assert len(now) == 1, (area, now)
        assert now[0]["message"].startswith("Not observed: test:GetDetail in region ") and "failed: AccessDenied" in now[0]["message"]
        kept = [f["status"] for f in after if same_subject(f, finding) and f["status"] != "error"]
        if finding["resource"] or finding["check_status"] in ("pass", "not_applicable"):
            assert (now[0]["check_status"], kept) == (finding["check_status"], []), (area, kept)
        else:  # an account-level fail or manual that was observed stays, beside the error (rules error and error_added)
            assert kept == [finding["status"]], (area, kept)
        if finding["resource"]:  # another resource's finding of the same check keeps its verdict
            others = [(f["resource"], f["status"]) for f in findings if f["check_id"] == check_id and f["resource"]
                      and f["resource"] != finding["resource"]]
            assert [(f["resource"], f["status"]) for f in after if f["check_id"] == check_id and f["resource"]
                    and f["resource"] != finding["resource"]] == others


def test_the_failing_estate_gives_failing_subjects(before):
    """The parametrised test above meets failing findings, not only passing ones."""
    failing = {check_id for check_id in CHECKS
               if subject_of(before("failing", check_id), check_id)["check_status"] == "fail"}
    assert failing >= {"classification_forbidden", "classification_special_pet", "location_eea", "register_characteristics",
                       "register_exit_contract", "register_risk"}
