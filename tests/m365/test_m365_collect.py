"""The M365 connector against the fake Graph: rows, paging, throttling, 403 per area, permissions."""

import re
import time

import pytest
from pydantic import ValidationError

from connectors.base import ScanContext
from connectors.m365 import MANIFEST
from connectors.m365.collect import M365Connector
from connectors.m365.config import M365Config
from connectors.m365.rows import M365Channel, M365Drive, M365Mailbox, M365Site, M365Team, M365Tenant, M365User
from inventory.rows import Account, Collection, Resource, Setting
from tests.m365.tenants import TENANT, hybrid_mixed, jenv_compliant, teams_and_files


def test_golden_tenant_rows(scan):
    s = scan(teams_and_files())
    account = s.one(Account)
    assert (account.kind, account.account_id, account.name) == ("m365-tenant", TENANT, "Ministerie van JenV (test)")
    tenant = s.one(M365Tenant)
    assert tenant.sync_enabled and tenant.verified_domains == "jenv.example.nl"
    assert tenant.group_creation_enabled is False and tenant.exo_sp_key_credentials == 1
    assert tenant.teams_region == "Europe and MiddleEast" and tenant.sharing_capability == "disabled"
    assert (tenant.teams_channel_messages, tenant.teams_chat_messages, tenant.desktop_app_users) == (9, 12, 1)
    devries = next(u for u in s.of(M365User) if u.upn == "devries@jenv.example.nl")
    assert devries.plan_sharepoint and devries.plan_onedrive and devries.plan_teams and devries.plan_office_desktop
    teams = {t.name: t for t in s.of(M365Team)}
    assert (teams["Project Cloudexit"].channel_files, teams["Project Cloudexit"].channel_bytes) == (7, 2374080)
    assert teams["Crisisteam"].channel_names == "General (standard); Board (private)"
    assert {c.membership_type for c in s.of(M365Channel)} == {"standard", "private"}
    sites = {x.name: x for x in s.of(M365Site)}
    assert (sites["Projects"].file_count, sites["Projects"].data_location) == (42, "eur")
    assert s.one(M365Drive).file_count == 5
    regions = {r.uid: r.region for r in s.of(Resource) if r.type == "m365.site"}
    assert "eur" in regions.values()
    assert {r.type for r in s.of(Resource)} == {"m365.team", "m365.site", "m365.onedrive"}
    assert {s.key for s in s.of(Setting)} >= {"licences.onedrive.users", "groups.unified.enable_group_creation"}
    assert not s.failed()


def test_mailbox_locations(scan):
    s = scan(hybrid_mixed())
    where = {m.upn: (m.location, m.item_count) for m in s.of(M365Mailbox)}
    assert where["directie@jenv.example.nl"] == ("cloud", 300)
    assert where["visser@jenv.example.nl"] == ("onprem", None)  # synced, Exchange Online licence, no cloud mailbox
    assert where["jansen@jenv.example.nl"] == ("none", None)  # synced, no Exchange Online licence: no mailbox evidence
    evidence = {m.upn: m.evidence for m in s.of(M365Mailbox)}
    assert evidence["jansen@jenv.example.nl"].endswith("; synced, no Exchange Online licence")
    assert {r.uid for r in s.of(Resource) if r.type == "m365.mailbox"} == {
        u["id"] for u in hybrid_mixed()["users"] if "mailboxSettings" in u}
    assert s.one(M365Tenant).hybrid_apps.startswith("ExchangeServerApp-")


def test_paging_follows_absolute_next_links(scan):
    tenant = teams_and_files() | {"page_size": 1}
    s = scan(tenant)
    assert len(s.of(M365User)) == len(tenant["users"])
    assert len(s.of(M365Site)) == 2 and len(s.of(M365Channel)) == 4
    assert sum(1 for _, path in s.requests if path.startswith("/v1.0/users?")) == len(tenant["users"])


def test_select_is_sent(scan):
    s = scan(jenv_compliant())
    users = next(p for _, p in s.requests if p.startswith("/v1.0/users?"))
    assert "assignedPlans" in users and "$select" in users
    assert all("$select" in p for _, p in s.requests if p.startswith(("/v1.0/groups?", "/v1.0/sites/", "/v1.0/organization")))


def test_reports_are_downloaded_once(scan):
    s = scan(teams_and_files())
    downloads = [p.split("?")[0] for _, p in s.requests if p.startswith("/download/")]
    assert len(downloads) == len(set(downloads)) == 5


def test_throttling_is_retried(scan):
    tenant = jenv_compliant() | {"throttle": {"users": 2, "reports": 1, "mailboxSettings": 1}, "retry_after": 1}
    s = scan(tenant)
    assert not s.failed()
    assert len(s.of(M365User)) == 4


def test_wait_beyond_sdk_cutoff_is_honoured(scan):
    s = scan(jenv_compliant() | {"throttle": {"groupSettings": 1}, "retry_after": 400})
    assert not s.failed() and s.one(M365Tenant).group_creation_enabled is False


def test_throttle_past_deadline_is_recorded(scan):
    s = scan(jenv_compliant() | {"throttle": {"groupSettings": 1}, "retry_after": 400},
             context=ScanContext(deadline=time.monotonic() + 60))
    failure = s.failed()["graph:ListGroupSettings"]
    assert "429" in failure.error and failure.area == "m365.settings"


@pytest.mark.parametrize("route, call, area, permission", [
    ("channels", "graph:ListChannels", "m365.teams", "Channel.ReadBasic.All"),
    ("mailboxSettings", "graph:GetMailboxSettings", "m365.mailboxes", "MailboxSettings.Read"),
    ("getOneDriveUsageAccountDetail", "graph:GetOneDriveUsageAccountDetail", "m365.onedrive", "Reports.Read.All"),
    ("groupSettings", "graph:ListGroupSettings", "m365.settings", "GroupSettings.Read.All"),
    ("organization", "graph:ListOrganization", "accounts", "Organization.Read.All"),
])
def test_forbidden_area_is_recorded_and_the_rest_goes_on(scan, route, call, area, permission):
    s = scan(teams_and_files() | {"forbidden": [route]})
    failed = s.failed()
    assert list(failed) == [call]
    assert (failed[call].area, failed[call].permission) == (area, permission)
    assert "403" in failed[call].error
    assert len(s.of(M365Site)) == 2 and len(s.of(M365User)) == 4
    assert s.one(Account).account_id == TENANT


def test_forbidden_users_skips_mailbox_probes(scan):
    s = scan(jenv_compliant() | {"forbidden": ["users"]})
    assert set(s.failed()) == {"graph:ListUsers", "graph:GetMailboxSettings"}
    assert s.failed()["graph:GetMailboxSettings"].area == "m365.mailboxes"


# Request the fake Graph saw -> its call and the least-privileged application permission Microsoft documents for it.
REPORTS = r"GET /(v1\.0/reports|download)/{}\b.*"
GRAPH_REQUESTS = [
    (r"GET /v1\.0/organization(\?.*)?", "graph:ListOrganization", "Organization.Read.All"),
    (r"GET /v1\.0/users(\?.*)?", "graph:ListUsers", "User.Read.All"),
    (r"GET /v1\.0/users/[^/?]+/mailboxSettings(\?.*)?", "graph:GetMailboxSettings", "MailboxSettings.Read"),
    (r"GET /v1\.0/groupSettings(\?.*)?", "graph:ListGroupSettings", "GroupSettings.Read.All"),
    (r"GET /v1\.0/teamwork(\?.*)?", "graph:GetTeamwork", "Teamwork.Read.All"),
    (r"GET /v1\.0/groups\?.*", "graph:ListGroups", "GroupMember.Read.All"),
    (r"GET /v1\.0/teams/[^/?]+/channels(\?.*)?", "graph:ListChannels", "Channel.ReadBasic.All"),
    (r"GET /v1\.0/teams/[^/?]+/channels/[^/?]+/filesFolder(\?.*)?", "graph:GetFilesFolder", "Files.Read.All"),
    (r"GET /v1\.0/groups/[^/?]+/drive(\?.*)?", "graph:GetDrive", "Files.Read.All"),
    (r"GET /v1\.0/sites/getAllSites.*", "graph:GetAllSites", "Sites.Read.All"),
    (r"GET /v1\.0/admin/sharepoint/settings(\?.*)?", "graph:GetSharepointSettings", "SharePointTenantSettings.Read.All"),
    (r"GET /v1\.0/admin/reportSettings(\?.*)?", "graph:GetAdminReportSettings", "ReportSettings.Read.All"),
    (r"GET /v1\.0/servicePrincipals\?.*", "graph:ListServicePrincipals", "Application.Read.All"),
    *((REPORTS.format(name), f"graph:{name[0].upper()}{name[1:]}", "Reports.Read.All") for name in (
        "getSharePointSiteUsageDetail", "getOneDriveUsageAccountDetail", "getMailboxUsageDetail",
        "getTeamsUserActivityUserDetail", "getM365AppUserDetail")),
]


def test_requests_sent_are_the_declared_calls_with_the_documented_permissions(scan):
    tenant = teams_and_files() | {"exchangeAdmin": {"Get-OnPremisesOrganization": [{"Identity": "On-Premises Organization",
                                                                                       "HybridDomains": ["jenv.example.nl"]}]}}
    s = scan(tenant, exchange_admin_api=True)
    sent, invoked = set(), 0
    for method, path in s.requests:
        if (method, path) == ("POST", f"/adminapi/beta/{TENANT}/InvokeCommand"):
            invoked += 1
            continue
        matches = {(call, permission) for pattern, call, permission in GRAPH_REQUESTS
                   if re.fullmatch(pattern, f"{method} {path}")}
        assert len(matches) == 1, f"{method} {path} maps to {matches}"
        sent |= matches
    assert sent == {(c.call, c.permission) for c in MANIFEST.calls if c.call.startswith("graph:")}
    exo = {(c.call, c.permission) for c in MANIFEST.calls if c.call.startswith("exo:")}
    assert invoked == len(exo) == 5
    assert {(c.call, c.permission) for c in s.of(Collection)} == {(c.call, c.permission) for c in MANIFEST.calls}
    assert s.one(M365Tenant).onprem_organizations == 1


def test_concealed_report_names_are_read(scan):
    s = scan(hybrid_mixed() | {"reportSettings": {"displayConcealedNames": True}})
    assert s.one(M365Tenant).report_names_concealed is True
    assert not any(p.startswith("PATCH") for p, _ in s.requests)


def test_missing_token_variable_is_one_recorded_error(monkeypatch):
    monkeypatch.delenv("NOT_SET_TOKEN", raising=False)
    cfg = M365Config(name="jenv", tenant_id=TENANT, credential="token", token_env="NOT_SET_TOKEN")
    (row,) = list(M365Connector(cfg, ScanContext()).collect())
    assert not row.ok and row.area == "accounts" and "NOT_SET_TOKEN" in row.error


def test_plain_http_only_for_loopback():
    with pytest.raises(ValidationError, match="loopback"):
        M365Config(name="x", tenant_id=TENANT, graph_endpoint="http://graph.example.org")


def test_demo_tenant_scans_cleanly(scan):
    import json
    from pathlib import Path
    tenant = json.loads((Path(__file__).resolve().parents[2] / "scanner/demo/m365_tenant.json").read_text())
    s = scan(tenant)
    assert not s.failed() and s.one(M365Tenant).tenant_id == tenant["tenant_id"] == TENANT
    assert [t.name for t in s.of(M365Team)] == ["Project Cloudexit"]
