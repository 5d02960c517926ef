"""Faults between msgraph-sdk and the fake Graph: no answer is read as "nothing there", time stays bounded."""

import re
import time

import pytest
from sqlalchemy import text

from connectors.base import ScanContext
from connectors.m365.collect import M365Connector
from connectors.m365.config import M365Config
from connectors.m365.rows import M365Site
from connectors.registry import AREAS
from findings.engine import Params, evaluate
from findings.packs import load_packs
from inventory.rows import Collection
from tests.faults import HANG, answer, assert_nothing_observed, emptied, refused_url, truncated
from tests.m365.conftest import TOKEN_ENV
from tests.m365.tenants import TENANT, teams_and_files
from tests.support import SCAN_DATE


def path(pattern: str):
    return lambda request: re.match(pattern, request.path) is not None


GROUPS, SITES = path(r"/v1\.0/groups\?"), path(r"/v1\.0/sites/getAllSites")


@pytest.mark.parametrize("route, call", [(GROUPS, "graph:ListGroups"), (SITES, "graph:GetAllSites")])
@pytest.mark.parametrize("fault", [emptied, truncated, answer(200, {"@odata.context": "x"}), answer(200, b"<html>Sign in</html>")])
def test_empty_or_foreign_answer_is_a_failed_call(scan, route, call, fault):
    s = scan(teams_and_files(), faults=[(route, fault)])
    assert call in s.failed(), f"an empty answer of {call} must not read as 'none'"
    inventory = [c for c in s.of(Collection) if c.call == call and c.area == "inventory"]
    assert [c.ok for c in inventory] == [False]  # location, encryption and characteristics depend on it too


PER_TEAM = [(path(r"/v1\.0/teams/[^/]+/channels\?"), "graph:ListChannels"),
            (path(r"/v1\.0/teams/[^/]+/channels/[^/]+/filesFolder"), "graph:GetFilesFolder"),
            (path(r"/v1\.0/groups/[^/]+/drive"), "graph:GetDrive")]


@pytest.mark.parametrize("route, call", PER_TEAM)
@pytest.mark.parametrize("fault", [emptied, truncated, answer(200, b"<html>Sign in</html>"), answer(200, b"[]"),
                                   answer(200, {"@odata.context": "x"})])
def test_empty_or_foreign_answer_of_a_per_team_call_is_a_failed_call_for_its_team(scan, route, call, fault):
    """These calls are read as JSON without the SDK's models: an answer that is no JSON object fails all the same."""
    s = scan(teams_and_files(), faults=[(route, fault)])
    assert call in s.failed(), f"an empty answer of {call} must not read as 'none'"
    assert s.failed()[call].subject, "recorded for the team it was for"


def test_forbidden_sites_fail_the_inventory(scan):
    s = scan(teams_and_files() | {"forbidden": ["sites"]})
    assert not s.of(M365Site)
    assert {c.area for c in s.of(Collection) if c.call == "graph:GetAllSites" and not c.ok} == {"m365.sharepoint", "inventory"}


@pytest.mark.parametrize("route", ["filesFolder", "groupDrive"])
def test_unobserved_team_files_are_an_error_not_a_pass(scan, route):
    s = scan(teams_and_files() | {"forbidden": [route]})
    teams = [r for r in s.check("m365_teams_files") if r["team_id"]]
    assert teams and "pass" not in [r["status"] for r in teams]
    assert "error" in [r["status"] for r in teams]


def test_hung_graph_ends_at_the_deadline(scan):
    started = time.monotonic()
    s = scan(teams_and_files(), faults=[(path(r"/v1\.0/teamwork"), HANG)],
             context=ScanContext(deadline=time.monotonic() + 3, timeouts=(2, 2)))
    assert time.monotonic() - started < 60  # the SDK's own read timeout is 100 s
    assert "graph:GetTeamwork" in s.failed()


def test_retry_after_beyond_the_deadline_is_not_waited_for(scan):
    throttled = answer(429, {"error": {"code": "TooManyRequests", "message": "slow down"}}, Retry_After="100")
    started = time.monotonic()
    s = scan(teams_and_files(), faults=[(path(r"/v1\.0/teamwork"), throttled)],
             context=ScanContext(deadline=time.monotonic() + 30))
    assert time.monotonic() - started < 60
    assert "429" in s.failed()["graph:GetTeamwork"].error


def test_forbidden_sites_make_location_and_characteristics_error(scan):
    """A 403 on getAllSites drops the sites: RBC26-EEA and RBC22-CHARACTERISTICS must say error, not pass."""
    s = scan(teams_and_files() | {"forbidden": ["sites"]})
    evaluate(s.engine, [load_packs(AREAS)[p] for p in ("rijksbreed-2022", "rijksbreed-2026")],
             Params(scan_id=s.scan_id, scan_date=SCAN_DATE, profile="ministry"))
    with s.engine.connect() as conn:
        statuses = dict(conn.execute(text(
            "select control_id, group_concat(distinct status) from finding where scan_id = :id and resource_id is null"
            " and control_id in ('RBC26-EEA', 'RBC22-CHARACTERISTICS') group by control_id"), {"id": s.scan_id}).all())
    assert set(statuses) == {"RBC26-EEA", "RBC22-CHARACTERISTICS"}
    assert all("error" in value and "pass" not in value for value in statuses.values()), statuses


STORMS = {"429": answer(429, {"error": {"code": "TooManyRequests", "message": "slow down"}}, Retry_After="1"),
          "503": answer(503, {"error": {"code": "serviceNotAvailable", "message": "try later"}}),
          "500-html": answer(500, b"<html>Internal Server Error</html>")}


@pytest.mark.parametrize("storm", STORMS)
@pytest.mark.parametrize("page", ["first", "later"])
def test_a_storm_on_the_sites_listing_is_a_failed_call_and_drops_no_fail(scan, storm, page):
    """Every answer of getAllSites is the fault (or every page after the first, one site a page), until the deadline."""
    sites = path(r"/v1\.0/sites/getAllSites.*skiptoken") if page == "later" else SITES
    started = time.monotonic()
    s = scan(teams_and_files() | {"page_size": 1}, faults=[(sites, STORMS[storm])],
             context=ScanContext(deadline=time.monotonic() + 4, timeouts=(2, 2)))
    assert time.monotonic() - started < 60
    assert not s.of(M365Site), "a listing that failed on any page is discarded whole"
    assert {c.area for c in s.of(Collection) if c.call == "graph:GetAllSites" and not c.ok} == {"m365.sharepoint", "inventory"}
    evaluate(s.engine, [load_packs(AREAS)["jenv-aenm-2025"]], Params(scan_id=s.scan_id, scan_date=SCAN_DATE, profile="ministry"))
    with s.engine.connect() as conn:
        statuses = {status for (status,) in conn.execute(text(
            "select status from finding where scan_id = :id and check_id = 'm365_sharepoint'"), {"id": s.scan_id})}
    assert "error" in statuses and "pass" not in statuses, statuses


def test_a_refused_connection_is_a_failed_call(monkeypatch):
    monkeypatch.setenv(TOKEN_ENV, "test-token")
    closed = refused_url()
    cfg = M365Config(name="jenv", tenant_id=TENANT, credential="token", token_env=TOKEN_ENV,
                     graph_endpoint=closed, exchange_endpoint=closed)
    started = time.monotonic()
    rows = list(M365Connector(cfg, ScanContext(deadline=time.monotonic() + 20, timeouts=(2, 2)), max_retry_wait=0.2).collect())
    assert_nothing_observed(rows)
    assert time.monotonic() - started < 30
