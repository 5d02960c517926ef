"""Every call group the M365 connector makes, with its area and least-privileged permission (the manifest's ``calls``).

Graph permissions are *application* permissions on Microsoft Graph, all read-only; the README
explains what each is used for. The Exchange Online admin calls run only with ``exchange_admin_api``.
"""

from connectors.base import Call

ORGANIZATION = Call("accounts", "graph:ListOrganization", "Organization.Read.All")
USERS = Call("m365.licences", "graph:ListUsers", "User.Read.All")  # with assignedPlans
GROUP_SETTINGS = Call("m365.settings", "graph:ListGroupSettings", "GroupSettings.Read.All")  # Group.Unified
TEAMWORK = Call("m365.tenant", "graph:GetTeamwork", "Teamwork.Read.All")  # Teams region
TEAMS = Call("m365.teams", "graph:ListGroups", "GroupMember.Read.All")  # Teams-enabled groups
CHANNELS = Call("m365.teams", "graph:ListChannels", "Channel.ReadBasic.All")
FILES_FOLDER = Call("m365.teams", "graph:GetFilesFolder", "Files.Read.All")  # files per channel
TEAM_DRIVE = Call("m365.teams", "graph:GetDrive", "Files.Read.All")  # team library quota used
SITES = Call("m365.sharepoint", "graph:GetAllSites", "Sites.Read.All")
SHAREPOINT_SETTINGS = Call("m365.sharepoint", "graph:GetSharepointSettings", "SharePointTenantSettings.Read.All")
SITE_USAGE = Call("m365.sharepoint", "graph:GetSharePointSiteUsageDetail", "Reports.Read.All")
ONEDRIVE_USAGE = Call("m365.onedrive", "graph:GetOneDriveUsageAccountDetail", "Reports.Read.All")
MAILBOX_SETTINGS = Call("m365.mailboxes", "graph:GetMailboxSettings", "MailboxSettings.Read")  # 200 or 404: cloud or not
MAILBOX_USAGE = Call("m365.mailboxes", "graph:GetMailboxUsageDetail", "Reports.Read.All")
SERVICE_PRINCIPALS = Call("m365.hybrid", "graph:ListServicePrincipals", "Application.Read.All")
REPORT_SETTINGS = Call("m365.reports", "graph:GetAdminReportSettings", "ReportSettings.Read.All")
TEAMS_ACTIVITY = Call("m365.reports", "graph:GetTeamsUserActivityUserDetail", "Reports.Read.All")
APP_USAGE = Call("m365.reports", "graph:GetM365AppUserDetail", "Reports.Read.All")

# The calls that list resources also serve area 'inventory' (location, encryption, characteristics):
# their failure is recorded under both areas.
LISTS_RESOURCES = {call.call: Call("inventory", call.call, call.permission) for call in (TEAMS, SITES, ONEDRIVE_USAGE)}

EXO_PERMISSION = "Exchange.ManageAsApp (Office 365 Exchange Online) + Entra role Global Reader"
EXO_CMDLETS = ("Get-OrganizationRelationship", "Get-OnPremisesOrganization", "Get-IntraOrganizationConnector",
               "Get-InboundConnector", "Get-OutboundConnector")
EXO_CALLS = {cmdlet: Call("m365.hybrid", f"exo:{cmdlet}", EXO_PERMISSION) for cmdlet in EXO_CMDLETS}  # undocumented API

CALLS = (ORGANIZATION, USERS, GROUP_SETTINGS, TEAMWORK, TEAMS, CHANNELS, FILES_FOLDER, TEAM_DRIVE, SITES,
         SHAREPOINT_SETTINGS, SITE_USAGE, ONEDRIVE_USAGE, MAILBOX_SETTINGS, MAILBOX_USAGE, SERVICE_PRINCIPALS,
         REPORT_SETTINGS, TEAMS_ACTIVITY, APP_USAGE, *EXO_CALLS.values(), *LISTS_RESOURCES.values())
