"""Golden tenants for the M365 tests, as the fake Graph serves them (scanner/demo/emulators/graph.py format).

* ``jenv_compliant()``: the JenV target state. Directory sync and a classic hybrid certificate on
  the Exchange Online service principal, every mailbox on-premises, group creation disabled, no
  teams, only the empty root site, no OneDrive/SharePoint plans, desktop apps only.
* ``teams_and_files()``: the compliant tenant plus two teams (one approved in the register) with
  files in a channel, a SharePoint site and a OneDrive with files.
* ``cloud_only_exchange()``: no directory sync, no hybrid evidence, every user in Exchange Online.
* ``hybrid_mixed()``: hybrid (sync, ExchangeServerApp) with two cloud mailboxes, one approved.
"""

import copy

TENANT = "7c3a9d10-2f4e-4b8a-9e61-0d5c8f2a1b34"
EXO_APP_ID = "00000002-0000-0ff1-ce00-000000000000"
PLANS = {
    "exchange": ("exchange", "efb87545-963c-4e0d-99df-69c6916d9eb0"),
    "sharepoint": ("SharePoint", "5dbe027f-2339-4123-9542-606e4d348a72"),
    "teams": ("TeamspaceAPI", "57ff2da0-773e-42df-b2af-ffb7a2317929"),
    "desktop": ("MicrosoftOffice", "43de0ff5-c92c-492b-9116-175376d08c38"),
}
APPROVED_MAILBOX = "directie@jenv.example.nl"


def plans(*names: str, status: str = "Enabled") -> list[dict]:
    return [{"assignedDateTime": "2024-01-15T10:00:00Z", "capabilityStatus": status, "service": PLANS[n][0],
             "servicePlanId": PLANS[n][1]} for n in names]


def user(n: int, name: str, synced: bool = True, cloud_mailbox: bool = False, plan_names=("desktop",)) -> dict:
    upn = f"{name}@jenv.example.nl"
    item = {"id": f"00000000-0000-0000-0000-{n:012d}", "displayName": name.title(), "userPrincipalName": upn,
            "mail": upn, "accountEnabled": True, "onPremisesSyncEnabled": synced or None, "userType": "Member",
            "usageLocation": "NL", "assignedPlans": plans(*plan_names)}
    if cloud_mailbox:
        item["mailboxSettings"] = {"timeZone": "W. Europe Standard Time", "userPurpose": "user"}
    return item


def jenv_compliant() -> dict:
    return {
        "tenant_id": TENANT,
        "organization": {"id": TENANT, "displayName": "Ministerie van JenV (test)", "countryLetterCode": "NL",
                         "onPremisesSyncEnabled": True, "onPremisesLastSyncDateTime": "2026-11-26T08:30:00Z",
                         "createdDateTime": "2017-03-01T09:00:00Z",
                         "verifiedDomains": [{"name": "jenv.example.nl", "isDefault": True, "isInitial": False,
                                              "type": "Managed", "capabilities": "Email, OfficeCommunicationsOnline"}]},
        "reportSettings": {"displayConcealedNames": False},
        "teamwork": {"id": "teamwork", "isTeamsEnabled": True, "region": "Europe and MiddleEast"},
        "groupSettings": [{"id": "62e90394-69f5-4237-9190-012177145e10", "displayName": "Group.Unified",
                           "templateId": "62375ab9-6b52-47ed-826b-58e47e0e304b",
                           "values": [{"name": "EnableGroupCreation", "value": "false"},
                                      {"name": "GroupCreationAllowedGroupId", "value": ""}]}],
        "sharepointSettings": {"sharingCapability": "disabled", "isSiteCreationEnabled": False,
                               "sharingDomainRestrictionMode": "none", "isLoopEnabled": False},
        "users": [user(1, "jansen"), user(2, "devries"), user(3, "bakker"),
                  user(4, "visser", plan_names=("desktop", "exchange"))],
        "groups": [{"id": "aaaaaaaa-0000-0000-0000-000000000001", "displayName": "Afdeling Beleid (mail group)",
                    "resourceProvisioningOptions": [], "visibility": "Private"}],
        "sites": [{"id": "jenvtest.sharepoint.com,11111111-aaaa-4bbb-8ccc-000000000001,22222222-aaaa-4bbb-8ccc-000000000001",
                   "name": "", "displayName": "Communication site", "webUrl": "https://jenvtest.sharepoint.com",
                   "createdDateTime": "2017-03-01T09:00:00Z", "isPersonalSite": False,
                   "siteCollection": {"hostname": "jenvtest.sharepoint.com"}}],
        "servicePrincipals": [{"id": "sp-exo", "appId": EXO_APP_ID, "displayName": "Office 365 Exchange Online",
                               "keyCredentials": [{"keyId": "5b1f7c3e-0000-4000-8000-000000000001", "type": "AsymmetricX509Cert", "usage": "Verify",
                                                   "endDateTime": "2030-01-01T00:00:00Z"}]}],
        "reports": {
            "getSharePointSiteUsageDetail": [site_usage("11111111-aaaa-4bbb-8ccc-000000000001", "https://jenvtest.sharepoint.com", 0)],
            "getOneDriveUsageAccountDetail": [],
            "getMailboxUsageDetail": [],
            "getTeamsUserActivityUserDetail": [teams_activity("jansen@jenv.example.nl", chat=12, meetings=4)],
            "getM365AppUserDetail": [app_usage("jansen@jenv.example.nl", windows=True, web=False)],
        },
    }


def site_usage(site_guid: str, url: str, files: int, storage: int = 0, template: str = "Communication Site") -> dict:
    return {"Report Refresh Date": "2026-11-24", "Site Id": site_guid, "Site URL": url, "Owner Display Name": "",
            "Is Deleted": "False", "Last Activity Date": "2026-11-20", "File Count": str(files),
            "Active File Count": "0", "Page View Count": "3", "Visited Page Count": "1",
            "Storage Used (Byte)": str(storage), "Storage Allocated (Byte)": "27487790694400",
            "Root Web Template": template, "Owner Principal Name": "", "Report Period": "30"}


def onedrive_usage(owner: str, files: int, storage: int) -> dict:
    url = f"https://jenvtest-my.sharepoint.com/personal/{owner.replace('@', '_').replace('.', '_')}"
    return {"Report Refresh Date": "2026-11-24", "Site Id": "", "Site URL": url, "Owner Display Name": owner,
            "Is Deleted": "False", "Last Activity Date": "2026-11-20", "File Count": str(files),
            "Active File Count": str(files), "Storage Used (Byte)": str(storage),
            "Storage Allocated (Byte)": "1099511627776", "Owner Principal Name": owner, "Report Period": "30"}


def mailbox_usage(upn: str, items: int, storage: int) -> dict:
    return {"Report Refresh Date": "2026-11-24", "User Principal Name": upn, "Display Name": upn.split("@")[0],
            "Is Deleted": "False", "Deleted Date": "", "Created Date": "2024-01-15", "Last Activity Date": "2026-11-20",
            "Item Count": str(items), "Storage Used (Byte)": str(storage), "Has Archive": "False", "Report Period": "30"}


def teams_activity(upn: str, chat: int = 0, meetings: int = 0, posts: int = 0) -> dict:
    return {"Report Refresh Date": "2026-11-24", "User Id": "", "User Principal Name": upn,
            "Last Activity Date": "2026-11-20", "Is Deleted": "False", "Deleted Date": "", "Assigned Products": "",
            "Team Chat Message Count": str(posts), "Private Chat Message Count": str(chat), "Call Count": "0",
            "Meeting Count": str(meetings), "Post Messages": str(posts), "Reply Messages": "0", "Report Period": "30"}


def app_usage(upn: str, windows: bool, web: bool) -> dict:
    yn = {True: "Yes", False: "No"}
    return {"Report Refresh Date": "2026-11-24", "User Principal Name": upn, "Last Activation Date": "2026-01-01",
            "Last Activity Date": "2026-11-20", "Report Period": "30", "Windows": yn[windows], "Mac": "No",
            "Mobile": "No", "Web": yn[web], "Outlook": "Yes", "Word": "Yes", "Excel": "Yes", "PowerPoint": "No",
            "OneNote": "No", "Teams": "Yes"}


def team(n: int, name: str, files: int = 0, size: int = 0, used: int = 0) -> dict:
    gid = f"bbbbbbbb-0000-0000-0000-{n:012d}"
    return {"id": gid, "displayName": name, "resourceProvisioningOptions": ["Team"], "visibility": "Private",
            "createdDateTime": "2024-05-01T12:00:00Z",
            "channels": [
                {"id": f"19:general{n}@thread.tacv2", "displayName": "General", "membershipType": "standard",
                 "filesFolder": {"id": f"01F{n}", "name": "General", "size": size,
                                 "webUrl": f"https://jenvtest.sharepoint.com/sites/t{n}/Shared Documents/General",
                                 "folder": {"childCount": files},
                                 "parentReference": {"driveId": f"b!{n}", "driveType": "documentLibrary"}}},
                {"id": f"19:private{n}@thread.tacv2", "displayName": "Board", "membershipType": "private",
                 "filesFolder": {"id": f"02F{n}", "name": "Board", "size": 0, "folder": {"childCount": 0}}}],
            "drive": {"id": f"b!{n}", "driveType": "documentLibrary", "quota": {"used": used, "total": 27487790694400, "state": "normal"}}}


def teams_and_files() -> dict:
    tenant = jenv_compliant()
    tenant["groups"] += [team(1, "Project Cloudexit", files=7, size=2374080, used=2374080), team(2, "Crisisteam")]
    tenant["sites"].append({"id": "jenvtest.sharepoint.com,33333333-aaaa-4bbb-8ccc-000000000003,44444444-aaaa-4bbb-8ccc-000000000003",
                            "name": "Projects", "displayName": "Projects", "webUrl": "https://jenvtest.sharepoint.com/sites/projects",
                            "createdDateTime": "2024-05-01T12:00:00Z", "siteCollection": {"hostname": "jenvtest.sharepoint.com",
                                                                                        "dataLocationCode": "EUR"}})
    tenant["reports"]["getSharePointSiteUsageDetail"].append(
        site_usage("33333333-aaaa-4bbb-8ccc-000000000003", "https://jenvtest.sharepoint.com/sites/projects", 42, 9_000_000, "Team Site"))
    tenant["reports"]["getOneDriveUsageAccountDetail"] = [onedrive_usage("devries@jenv.example.nl", 5, 123456)]
    tenant["users"][1]["assignedPlans"] += plans("sharepoint", "teams")
    tenant["reports"]["getTeamsUserActivityUserDetail"].append(teams_activity("devries@jenv.example.nl", posts=9))
    return tenant


def cloud_only_exchange() -> dict:
    tenant = jenv_compliant()
    tenant["organization"]["onPremisesSyncEnabled"] = None
    tenant["organization"].pop("onPremisesLastSyncDateTime")
    tenant["servicePrincipals"][0]["keyCredentials"] = []
    tenant["users"] = [user(n, name, synced=False, cloud_mailbox=True, plan_names=("desktop", "exchange"))
                       for n, name in enumerate(["jansen", "devries", "bakker"], 1)]
    tenant["reports"]["getMailboxUsageDetail"] = [mailbox_usage(u["userPrincipalName"], 1000, 50_000_000)
                                                  for u in tenant["users"]]
    return tenant


def hybrid_mixed() -> dict:
    tenant = jenv_compliant()
    tenant["servicePrincipals"][0]["keyCredentials"] = []
    tenant["servicePrincipals"].append({"id": "sp-hyb", "appId": "c5d1e2f3-0000-4000-8000-000000000abc",
                                        "displayName": "ExchangeServerApp-3f2a1b4c-0000-4000-8000-00000000beef",
                                        "keyCredentials": [{"keyId": "5b1f7c3e-0000-4000-8000-000000000002", "type": "AsymmetricX509Cert"}]})
    tenant["users"] += [user(5, "directie", cloud_mailbox=True, plan_names=("desktop", "exchange")),
                        user(6, "pers", cloud_mailbox=True, plan_names=("desktop", "exchange"))]
    tenant["reports"]["getMailboxUsageDetail"] = [mailbox_usage("directie@jenv.example.nl", 300, 4_000_000),
                                                  mailbox_usage("pers@jenv.example.nl", 800, 9_000_000)]
    return tenant


def clone(tenant: dict) -> dict:
    return copy.deepcopy(tenant)
