"""The JenV workplace checks on golden tenants and one-field mutations, scanned through the fake Graph."""

import pytest

from tests.m365.tenants import (
    APPROVED_MAILBOX,
    clone,
    cloud_only_exchange,
    hybrid_mixed,
    jenv_compliant,
    onedrive_usage,
    plans,
    team,
    teams_and_files,
)

CHECKS = ["m365_teams_collab", "m365_teams_create", "m365_exo_hybrid", "m365_exo_mailboxes", "m365_onedrive",
          "m365_sharepoint", "m365_maildocs"]


def by_name(rows: list[dict], key: str) -> dict[str, str]:
    return {r[key]: r["status"] for r in rows}


def test_compliant_tenant_passes_everything(scan):
    s = scan(jenv_compliant())
    for check in CHECKS:
        assert set(s.statuses(check)) == {"pass"}, (check, s.check(check))
    assert s.statuses("m365_teams_files") == ["manual"]
    assert "AllowDropBox" in s.check("m365_teams_files")[0]["message"]


def test_teams_and_files(scan):
    tenant = teams_and_files()
    approved = tenant["groups"][2]["id"]
    s = scan(tenant, approved_teams=[approved])
    collab = by_name(s.check("m365_teams_collab"), "team_name")
    assert collab == {"Project Cloudexit": "fail", "Crisisteam": "pass"}
    failing = next(r for r in s.check("m365_teams_collab") if r["status"] == "fail")
    assert "2 channel(s)" in failing["message"] and "7 item(s)" in failing["message"] and failing["resource_id"]
    files = {r["team_name"]: r["status"] for r in s.check("m365_teams_files") if r["team_name"]}
    assert files == {"Project Cloudexit": "fail", "Crisisteam": "pass"}
    assert by_name(s.check("m365_sharepoint"), "site_name") == {"Communication site": "pass", "Projects": "fail"}
    onedrive = s.check("m365_onedrive")
    assert [(r["owner"], r["status"], r["file_count"]) for r in onedrive] == [("devries@jenv.example.nl", "fail", 5)]
    (maildocs,) = s.check("m365_maildocs")
    assert maildocs["status"] == "fail" and "1 SharePoint site(s) with 42 file(s)" in maildocs["message"]


def test_unapproved_team_fails_without_register(scan):
    s = scan(teams_and_files())
    assert s.statuses("m365_teams_collab") == ["fail", "fail"]


def test_cloud_only_exchange(scan):
    s = scan(cloud_only_exchange())
    (hybrid,) = s.check("m365_exo_hybrid")
    assert hybrid["status"] == "fail" and hybrid["cloud_mailboxes"] == 3 and "on its own" in hybrid["message"]
    assert s.statuses("m365_exo_mailboxes") == ["fail"] * 3
    assert s.statuses("m365_maildocs") == ["fail"]


def test_hybrid_with_one_approved_and_one_unapproved_mailbox(scan):
    s = scan(hybrid_mixed(), approved_mailboxes=[APPROVED_MAILBOX])
    assert s.statuses("m365_exo_hybrid") == ["pass"]
    assert by_name(s.check("m365_exo_mailboxes"), "upn") == {APPROVED_MAILBOX: "pass", "pers@jenv.example.nl": "fail"}
    assert s.statuses("m365_maildocs") == ["fail"]


def _group_creation_on(t):
    t["groupSettings"][0]["values"][0]["value"] = "true"


def _no_group_unified(t):
    t["groupSettings"] = []


def _one_team(t):
    t["groups"].append(team(3, "Nieuw team"))


def _cloud_mailbox(t):
    t["users"][0]["mailboxSettings"] = {"userPurpose": "user"}


def _cloud_mailbox_no_hybrid(t):
    _cloud_mailbox(t)
    t["servicePrincipals"][0]["keyCredentials"] = []
    t["organization"]["onPremisesSyncEnabled"] = None


def _cloud_mailbox_sync_only(t):
    """Directory sync on, unlicensed synced users without a cloud mailbox, but no hybrid configuration."""
    _cloud_mailbox(t)
    t["servicePrincipals"][0]["keyCredentials"] = []


def _site_files(t):
    t["reports"]["getSharePointSiteUsageDetail"][0]["File Count"] = "3"


def _site_not_in_report(t):
    t["reports"]["getSharePointSiteUsageDetail"] = []


def _onedrive_files(t):
    t["reports"]["getOneDriveUsageAccountDetail"] = [onedrive_usage("bakker@jenv.example.nl", 1, 100)]


def _sharepoint_plan(t):
    t["users"][2]["assignedPlans"] += plans("sharepoint")


@pytest.mark.parametrize("mutate, check, expected", [
    (_group_creation_on, "m365_teams_create", ["fail"]),
    (_no_group_unified, "m365_teams_create", ["fail"]),
    (_one_team, "m365_teams_collab", ["fail"]),
    (_one_team, "m365_teams_files", ["manual", "pass"]),
    (_cloud_mailbox, "m365_exo_hybrid", ["pass"]),
    (_cloud_mailbox, "m365_exo_mailboxes", ["fail"]),
    (_cloud_mailbox, "m365_maildocs", ["fail"]),
    (_cloud_mailbox_no_hybrid, "m365_exo_hybrid", ["fail"]),
    (_cloud_mailbox_sync_only, "m365_exo_hybrid", ["manual"]),
    (_site_files, "m365_sharepoint", ["fail"]),
    (_site_files, "m365_maildocs", ["fail"]),
    (_site_not_in_report, "m365_sharepoint", ["error"]),
    (_onedrive_files, "m365_onedrive", ["fail"]),
    (_onedrive_files, "m365_maildocs", ["fail"]),
    (_sharepoint_plan, "m365_onedrive", ["fail"]),
])
def test_one_field_mutation(scan, mutate, check, expected):
    tenant = clone(jenv_compliant())
    mutate(tenant)
    assert scan(tenant).statuses(check) == expected


def test_channel_files_fail_teams_files(scan):
    tenant = jenv_compliant()
    tenant["groups"].append(team(3, "Nieuw team", files=1, size=10))
    rows = [r for r in scan(tenant).check("m365_teams_files") if r["team_name"]]
    assert [r["status"] for r in rows] == ["fail"] and "1 item(s), 10 bytes" in rows[0]["message"]


def test_unused_plans_fail_with_low_severity(scan):
    tenant = jenv_compliant()
    _sharepoint_plan(tenant)
    (row,) = scan(tenant).check("m365_onedrive")
    assert (row["status"], row["severity"], row["onedrive_plan_users"]) == ("fail", "low", 1)


def test_mailbox_approval_by_register(scan):
    tenant = jenv_compliant()
    _cloud_mailbox(tenant)
    assert scan(tenant, approved_mailboxes=["jansen@jenv.example.nl"]).statuses("m365_exo_mailboxes") == ["pass"]


EXCHANGE_ADMIN = ("Get-OrganizationRelationship", "Get-OnPremisesOrganization", "Get-IntraOrganizationConnector",
                  "Get-InboundConnector", "Get-OutboundConnector")


def test_synced_users_without_a_cloud_mailbox_are_no_hybrid_evidence(scan):
    """#11 point 17: directory sync and users Exchange Online does not host prove no on-premises Exchange side."""
    tenant = clone(jenv_compliant())
    _cloud_mailbox_sync_only(tenant)
    (hybrid,) = scan(tenant).check("m365_exo_hybrid")
    assert (hybrid["status"], hybrid["cloud_mailboxes"], hybrid["onprem_mailboxes"]) == ("manual", 1, 1)
    assert "exchange_admin_api" in hybrid["message"] and "verify" in hybrid["message"]


def test_no_hybrid_configuration_anywhere_fails_when_every_source_was_read(scan):
    tenant = clone(jenv_compliant()) | {"exchangeAdmin": {cmdlet: [] for cmdlet in EXCHANGE_ADMIN}}
    _cloud_mailbox_sync_only(tenant)
    (hybrid,) = scan(tenant, exchange_admin_api=True).check("m365_exo_hybrid")
    assert hybrid["status"] == "fail" and "on its own" in hybrid["message"]
    assert (hybrid["organization_relationships"], hybrid["onprem_organizations"], hybrid["intra_org_connectors"]) == (0, 0, 0)


@pytest.mark.parametrize("cmdlet", EXCHANGE_ADMIN)
def test_an_exchange_admin_hybrid_object_is_hybrid_evidence(scan, cmdlet):
    found = {"Identity": "Outbound to 5c8e", "Enabled": True, "ConnectorType": "OnPremises"}
    tenant = clone(jenv_compliant()) | {"exchangeAdmin": {c: [found] if c == cmdlet else [] for c in EXCHANGE_ADMIN}}
    _cloud_mailbox_sync_only(tenant)
    assert scan(tenant, exchange_admin_api=True).statuses("m365_exo_hybrid") == ["pass"]


@pytest.mark.parametrize("cmdlet", ["Get-InboundConnector", "Get-OutboundConnector"])
def test_a_partner_mail_connector_is_no_hybrid_evidence(scan, cmdlet):
    partner = {"Identity": "Naar leverancier", "Enabled": True, "ConnectorType": "Partner"}
    tenant = clone(jenv_compliant()) | {"exchangeAdmin": {c: [partner] if c == cmdlet else [] for c in EXCHANGE_ADMIN}}
    _cloud_mailbox_sync_only(tenant)
    assert scan(tenant, exchange_admin_api=True).statuses("m365_exo_hybrid") == ["fail"]


def test_service_principals_not_observed_is_not_a_fail(scan):
    tenant = clone(jenv_compliant()) | {"exchangeAdmin": {cmdlet: [] for cmdlet in EXCHANGE_ADMIN},
                                        "forbidden": ["servicePrincipals"]}
    _cloud_mailbox_sync_only(tenant)
    (hybrid,) = scan(tenant, exchange_admin_api=True).check("m365_exo_hybrid")
    assert hybrid["status"] == "manual" and "servicePrincipals" in hybrid["message"]
