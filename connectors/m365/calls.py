"""Every API call group the M365 connector makes: its collection area and least-privileged permission.

This table is the documentation of the permissions (README) and the source of
``M365Connector.permissions``; the tests check that a full scan makes exactly these calls.
All Graph permissions are *application* permissions on Microsoft Graph and read-only.
"""

from typing import NamedTuple


class Call(NamedTuple):
    area: str
    permission: str
    what: str


CALLS: dict[str, Call] = {
    "graph:GET /organization": Call("accounts", "Organization.Read.All", "tenant id, name, country, directory sync, verified domains"),
    "graph:GET /users": Call("m365.licences", "User.Read.All", "users with assignedPlans (service plans per user)"),
    "graph:GET /groupSettings": Call("m365.settings", "GroupSettings.Read.All", "Group.Unified: who may create groups and teams"),
    "graph:GET /teamwork": Call("m365.tenant", "Teamwork.Read.All", "Teams region"),
    "graph:GET /groups?team": Call("m365.teams", "GroupMember.Read.All", "Teams-enabled groups"),
    "graph:GET /teams/{id}/channels": Call("m365.teams", "Channel.ReadBasic.All", "channels and membership type"),
    "graph:GET /teams/{id}/channels/{id}/filesFolder": Call("m365.teams", "Files.Read.All", "files per channel (size, childCount)"),
    "graph:GET /groups/{id}/drive": Call("m365.teams", "Files.Read.All", "team library quota used"),
    "graph:GET /sites/getAllSites": Call("m365.sharepoint", "Sites.Read.All", "SharePoint sites (personal sites excluded)"),
    "graph:GET /admin/sharepoint/settings": Call("m365.sharepoint", "SharePointTenantSettings.Read.All", "SharePoint sharing settings"),
    "graph:getSharePointSiteUsageDetail": Call("m365.sharepoint", "Reports.Read.All", "files and storage per site"),
    "graph:getOneDriveUsageAccountDetail": Call("m365.onedrive", "Reports.Read.All", "files and storage per OneDrive"),
    "graph:GET /users/{id}/mailboxSettings": Call("m365.mailboxes", "MailboxSettings.Read", "cloud mailbox "
                                                                                            "(200) or not (404 MailboxNotEnabledForRESTAPI)"),
    "graph:getMailboxUsageDetail": Call("m365.mailboxes", "Reports.Read.All", "Exchange Online mailboxes, items and storage"),
    "graph:GET /servicePrincipals?hybrid": Call("m365.hybrid", "Application.Read.All", "Exchange Online SP certificates, ExchangeServerApp-* apps"),
    "graph:GET /admin/reportSettings": Call("m365.reports", "ReportSettings.Read.All", "whether reports conceal names (read only)"),
    "graph:getTeamsUserActivityUserDetail": Call("m365.reports", "Reports.Read.All", "Teams channel posts versus chat and meetings"),
    "graph:getM365AppUserDetail": Call("m365.reports", "Reports.Read.All", "Office for the web versus desktop apps"),
}

EXO_CALLS: dict[str, Call] = {
    f"exo:InvokeCommand {cmdlet}": Call("m365.hybrid", "Exchange.ManageAsApp (Office 365 Exchange Online) + Entra role Global Reader",
                                        f"{cmdlet} (undocumented admin API)")
    for cmdlet in ("Get-OrganizationRelationship", "Get-OnPremisesOrganization", "Get-IntraOrganizationConnector")
}


def fields(call: str) -> dict:
    """The Collection fields (area, call, permission) of one call group."""
    spec = CALLS.get(call) or EXO_CALLS[call]
    return {"area": spec.area, "call": call, "permission": spec.permission}


PERMISSIONS: tuple[str, ...] = tuple(sorted({c.permission for c in CALLS.values()}))
