"""Microsoft 365 findings depend on their calls per subject: a 403 on one team's or one mailbox's call (through
the fault proxy) makes only that subject's findings `error`, and every M365 check turns a subject's finding
into `error` when a call for that subject failed in an area the check requires."""

import re

import pytest
from sqlalchemy import text

from connectors.base import ScanContext
from connectors.m365.collect import M365Connector
from connectors.m365.config import M365Config
from connectors.registry import AREAS
from findings.engine import Params, evaluate
from findings.facts import derive_facts
from findings.packs import load_checks, load_packs
from inventory.rows import Collection, Resource
from scanner.demo.emulators.graph import GraphFake
from tests.faults import forbidden
from tests.m365.conftest import TOKEN_ENV
from tests.m365.tenants import TENANT, hybrid_mixed, teams_and_files
from tests.support import SCAN_DATE, new_inventory, store

PACKS = ("jenv-aenm-2025", "rijksbreed-2026")
CHECKS = sorted(c.id for c in load_checks().values() if c.providers == ("m365",))
TEAM = "bbbbbbbb-0000-0000-0000-000000000001"  # Project Cloudexit (its files fail); team 2 passes
PERS = "00000000-0000-0000-0000-000000000006"  # an unapproved cloud mailbox of hybrid_mixed
TENANTS = (teams_and_files, hybrid_mixed)
FINDINGS = text("""select f.control_id, f.check_id, f.status, f.check_status, f.message, r.uid
                   from finding f left join resource r on r.id = f.resource_id
                   where f.scan_id = :s and f.check_id is not null order by f.control_id, r.uid, f.status""")


def judged(engine, scan_id) -> list[dict]:
    evaluate(engine, [load_packs(AREAS)[p] for p in PACKS], Params(scan_id=scan_id, scan_date=SCAN_DATE, profile="ministry"))
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(FINDINGS, {"s": scan_id})]


def on(pattern: str):
    return lambda request: re.search(pattern, request.path) is not None


def of(findings: list[dict], uid: str, checks: tuple[str, ...]) -> list[tuple]:
    return [(f["check_id"], f["status"]) for f in findings if f["uid"] == uid and f["check_id"] in checks]


@pytest.mark.parametrize("route", [rf"/teams/{TEAM}/channels\?", rf"/groups/{TEAM}/drive", rf"/teams/{TEAM}/channels/.*/filesFolder"])
def test_a_403_for_one_team_makes_only_that_teams_findings_error(scan, route):
    teams = ("m365_teams_collab", "m365_teams_files")
    baseline = judged((s := scan(teams_and_files())).engine, s.scan_id)
    faulted = scan(teams_and_files(), faults=[(on(route), forbidden())])
    failed = [c for c in faulted.of(Collection) if not c.ok]
    assert failed and {c.subject for c in failed} == {TEAM}
    findings = judged(faulted.engine, faulted.scan_id)
    assert of(baseline, TEAM, teams) == [("m365_teams_collab", "fail"), ("m365_teams_files", "fail")]
    assert of(findings, TEAM, teams) == [("m365_teams_collab", "error"), ("m365_teams_files", "error")]
    other = next(r.uid for r in faulted.of(Resource) if r.type == "m365.team" and r.uid != TEAM)
    assert of(findings, other, teams) == of(baseline, other, teams) != []


def test_a_403_on_one_mailbox_makes_only_that_mailboxs_finding_error(scan):
    baseline = judged((s := scan(hybrid_mixed())).engine, s.scan_id)
    faulted = scan(hybrid_mixed(), faults=[(on(rf"/users/{PERS}/mailboxSettings"), forbidden())])
    assert [c.subject for c in faulted.of(Collection) if not c.ok] == [PERS]
    findings = judged(faulted.engine, faulted.scan_id)
    assert of(baseline, PERS, ("m365_exo_mailboxes",)) == [("m365_exo_mailboxes", "fail")]
    assert of(findings, PERS, ("m365_exo_mailboxes",)) == [("m365_exo_mailboxes", "error")]
    others = [f for f in baseline if f["check_id"] == "m365_exo_mailboxes" and f["uid"] not in (PERS, None)]
    assert others and all(f in findings for f in others)


@pytest.fixture(scope="module")
def collected():
    """The rows the connector collects, through the fake Graph, from each tenant (computed once)."""
    rows = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(TOKEN_ENV, "test-token")
        for tenant in TENANTS:
            with GraphFake(tenant()) as fake:
                cfg = M365Config(name="jenv", tenant_id=TENANT, credential="token", token_env=TOKEN_ENV,
                                 graph_endpoint=fake.url, exchange_endpoint=fake.url)
                rows[tenant.__name__] = list(M365Connector(cfg, ScanContext(), max_retry_wait=0.2).collect())
    return rows


def judged_rows(folder, rows: list) -> list[dict]:
    folder.mkdir(parents=True)
    engine, scan_id = new_inventory(folder)
    store(engine, scan_id, rows)
    derive_facts(engine, scan_id, "classification")
    return judged(engine, scan_id)


@pytest.mark.parametrize("tenant", [t.__name__ for t in TENANTS])
@pytest.mark.parametrize("check_id", CHECKS)
def test_every_m365_check_errors_for_a_subject_whose_call_failed(collected, tmp_path, check_id, tenant):
    rows = collected[tenant]
    findings = [f for f in judged_rows(tmp_path / "before", rows) if f["check_id"] == check_id and f["check_status"] != "error"]
    finding = min(findings, key=lambda f: (f["uid"] is None, f["check_status"] != "fail"))
    subject = finding["uid"] or next(r.uid for r in rows if isinstance(r, Resource))
    for area in load_checks()[check_id].requires:
        failure = Collection(provider="m365", estate="jenv", account_id=TENANT, area=area, call="graph:GetDetail", ok=False,
                             error="Forbidden", subject=subject)
        after = [f for f in judged_rows(tmp_path / area, rows + [failure]) if f["check_id"] == check_id
                 and f["uid"] == finding["uid"] and f["control_id"] == finding["control_id"]]
        assert "error" in [f["status"] for f in after], (area, after)
        if finding["uid"] or finding["check_status"] in ("pass", "not_applicable"):
            assert [(f["status"], f["check_status"]) for f in after] == [("error", finding["check_status"])], (area, after)
        else:  # an account-level fail or manual that was observed stays, beside the error (rules error and error_added)
            assert sorted(f["check_status"] for f in after) == sorted(["error", finding["check_status"]]), (area, after)
