"""Typed Microsoft 365 tables: what the JenV workplace checks read.

Lists that a check would otherwise assemble with non-portable SQL (``group_concat``,
``string_agg``) are pre-joined here in Python as ``; ``-separated text. Counts and sizes are
NULL when the source (usually a usage report) did not cover the item: not observed is not zero.
"""

from datetime import datetime

from sqlmodel import Field, SQLModel


class M365Tenant(SQLModel, table=True):
    """One tenant: directory sync, group-creation policy, sharing settings, hybrid evidence, report totals."""

    __tablename__ = "m365_tenant"
    id: int | None = Field(default=None, primary_key=True)
    scan_id: int = Field(foreign_key="scan.id", index=True, description="scan that collected it")
    tenant_id: str = Field(description="Entra tenant id (the account_id of the m365 account)")
    name: str | None = Field(default=None, description="organisation display name")
    country: str | None = Field(default=None, description="organisation countryLetterCode (not a data location)")
    sync_enabled: bool | None = Field(default=None, description="directory synchronisation from on-premises AD enabled (onPremisesSyncEnabled)")
    last_sync: datetime | None = Field(default=None, description="last directory synchronisation (onPremisesLastSyncDateTime)")
    verified_domains: str | None = Field(default=None, description="verified domain names, '; '-separated")
    teams_region: str | None = Field(default=None, description="Teams data region as /teamwork reports it")
    report_names_concealed: bool | None = Field(default=None, description="usage reports show concealed (hashed) user, group and site names")
    group_unified_present: bool | None = Field(default=None, description="a Group.Unified directory setting "
                                                                         "exists (else tenant defaults: everyone may create groups)")
    group_creation_enabled: bool | None = Field(default=None, description="Group.Unified EnableGroupCreation: "
                                                                          "every user may create Microsoft 365 groups and so teams")
    group_creation_allowed_group: str | None = Field(
        default=None, description="Group.Unified GroupCreationAllowedGroupId: the only group whose members may create groups")
    sharing_capability: str | None = Field(default=None, description="SharePoint tenant sharingCapability")
    site_creation_enabled: bool | None = Field(default=None, description="SharePoint isSiteCreationEnabled")
    exo_sp_key_credentials: int | None = Field(default=None, description="certificates on the Office 365 "
                                                                         "Exchange Online service principal (classic hybrid OAuth)")
    hybrid_apps: str | None = Field(default=None, description="dedicated Exchange hybrid apps (ExchangeServerApp-*), '; '-separated")
    organization_relationships: int | None = Field(default=None, description="Get-OrganizationRelationship results (exchange_admin_api only)")
    onprem_organizations: int | None = Field(default=None, description="Get-OnPremisesOrganization results (exchange_admin_api only)")
    intra_org_connectors: int | None = Field(default=None, description="Get-IntraOrganizationConnector results (exchange_admin_api only)")
    onprem_inbound_connectors: int | None = Field(default=None, description="Get-InboundConnector results of "
                                                  "ConnectorType OnPremises: hybrid mail flow (exchange_admin_api only)")
    onprem_outbound_connectors: int | None = Field(default=None, description="Get-OutboundConnector results of "
                                                   "ConnectorType OnPremises: hybrid mail flow (exchange_admin_api only)")
    teams_channel_messages: int | None = Field(default=None, description="channel posts and replies in the "
                                                                         "report period (Teams user activity report)")
    teams_chat_messages: int | None = Field(default=None, description="private chat messages in the report period")
    teams_meetings: int | None = Field(default=None, description="meetings in the report period")
    web_app_users: int | None = Field(default=None, description="users of Office for the web in the report period (Microsoft 365 apps report)")
    desktop_app_users: int | None = Field(default=None, description="users of the desktop apps (Windows or Mac) in the report period")
    report_period: str | None = Field(default=None, description="usage report period, e.g. D30")


class M365User(SQLModel, table=True):
    """A user with the workload service plans enabled for them and where their mailbox is."""

    __tablename__ = "m365_user"
    id: int | None = Field(default=None, primary_key=True)
    scan_id: int = Field(foreign_key="scan.id", index=True, description="scan that collected it")
    tenant_id: str = Field(description="tenant id")
    user_id: str = Field(description="Entra object id")
    upn: str | None = Field(default=None, description="userPrincipalName, lower case")
    mail: str | None = Field(default=None, description="primary SMTP address, lower case")
    account_enabled: bool | None = Field(default=None, description="sign-in allowed")
    synced: bool | None = Field(default=None, description="synchronised from on-premises AD (onPremisesSyncEnabled)")
    preferred_data_location: str | None = Field(default=None, description="Multi-Geo preferredDataLocation")
    plan_exchange: bool = Field(default=False, description="an Exchange Online plan is enabled")
    plan_sharepoint: bool = Field(default=False, description="a SharePoint Online plan is enabled (includes OneDrive)")
    plan_onedrive: bool = Field(default=False, description="a OneDrive plan is enabled (standalone or via SharePoint)")
    plan_teams: bool = Field(default=False, description="a Teams plan is enabled")
    plan_office_web: bool = Field(default=False, description="Office for the web (SHAREPOINTWAC) is enabled")
    plan_office_desktop: bool = Field(default=False, description="Microsoft 365 Apps desktop (OFFICESUBSCRIPTION) is enabled")
    enabled_plans: str | None = Field(default=None, description="every enabled service plan id, '; '-separated")


class M365Team(SQLModel, table=True):
    """A Teams-enabled group with its channels and files, pre-aggregated."""

    __tablename__ = "m365_team"
    id: int | None = Field(default=None, primary_key=True)
    scan_id: int = Field(foreign_key="scan.id", index=True, description="scan that collected it")
    tenant_id: str = Field(description="tenant id")
    team_id: str = Field(description="group id of the team (also the Resource uid)")
    name: str | None = Field(default=None, description="display name")
    visibility: str | None = Field(default=None, description="Public, Private or HiddenMembership")
    channel_count: int | None = Field(default=None, description="channels")
    channel_names: str | None = Field(default=None, description="channels as 'name (membershipType)', '; '-separated")
    non_standard_channels: int | None = Field(default=None, description="private and shared channels (each has its own site)")
    channel_files: int | None = Field(default=None, description="items in the channels' files folders (sum of folder childCount)")
    channel_bytes: int | None = Field(default=None, description="bytes in the channels' files folders (sum of folder size)")
    drive_used_bytes: int | None = Field(default=None, description="bytes used in the team's document library (drive quota.used)")
    created_at: datetime | None = Field(default=None, description="group creation time")


class M365Channel(SQLModel, table=True):
    """A channel of a team and its files folder."""

    __tablename__ = "m365_channel"
    id: int | None = Field(default=None, primary_key=True)
    scan_id: int = Field(foreign_key="scan.id", index=True, description="scan that collected it")
    tenant_id: str = Field(description="tenant id")
    team_id: str = Field(description="group id of the team")
    channel_id: str = Field(description="channel id")
    name: str | None = Field(default=None, description="display name")
    membership_type: str | None = Field(default=None, description="standard, private or shared")
    file_count: int | None = Field(default=None, description="items in the files folder (childCount)")
    size_bytes: int | None = Field(default=None, description="size of the files folder")
    web_url: str | None = Field(default=None, description="files folder URL")


class M365Site(SQLModel, table=True):
    """A SharePoint Online site (personal sites excluded) with its usage-report figures."""

    __tablename__ = "m365_site"
    id: int | None = Field(default=None, primary_key=True)
    scan_id: int = Field(foreign_key="scan.id", index=True, description="scan that collected it")
    tenant_id: str = Field(description="tenant id")
    site_id: str = Field(description="Graph site id 'host,siteGuid,webGuid' (also the Resource uid)")
    name: str | None = Field(default=None, description="display name or name")
    web_url: str | None = Field(default=None, description="site URL")
    data_location: str | None = Field(default=None, description="siteCollection.dataLocationCode (Multi-Geo only), lower case")
    template: str | None = Field(default=None, description="Root Web Template from the usage report")
    file_count: int | None = Field(default=None, description="files (usage report); NULL when the report has no row for the site")
    storage_used_bytes: int | None = Field(default=None, description="storage used (usage report)")
    last_activity: str | None = Field(default=None, description="last activity date (usage report)")


class M365Drive(SQLModel, table=True):
    """A OneDrive account from the OneDrive usage report."""

    __tablename__ = "m365_drive"
    id: int | None = Field(default=None, primary_key=True)
    scan_id: int = Field(foreign_key="scan.id", index=True, description="scan that collected it")
    tenant_id: str = Field(description="tenant id")
    uid: str = Field(description="site URL of the OneDrive, or owner when the URL is concealed (the Resource uid)")
    owner: str | None = Field(default=None, description="owner principal name (hashed when reports conceal names)")
    site_url: str | None = Field(default=None, description="OneDrive URL")
    file_count: int = Field(description="files")
    active_file_count: int | None = Field(default=None, description="files active in the report period")
    storage_used_bytes: int | None = Field(default=None, description="storage used")
    last_activity: str | None = Field(default=None, description="last activity date")


class M365Mailbox(SQLModel, table=True):
    """A mail-enabled user's mailbox and where it lives."""

    __tablename__ = "m365_mailbox"
    id: int | None = Field(default=None, primary_key=True)
    scan_id: int = Field(foreign_key="scan.id", index=True, description="scan that collected it")
    tenant_id: str = Field(description="tenant id")
    uid: str = Field(description="user id, or the report's principal name for report-only rows (the Resource uid)")
    upn: str | None = Field(default=None, description="userPrincipalName, lower case")
    mail: str | None = Field(default=None, description="primary SMTP address, lower case")
    location: str = Field(description="cloud (Exchange Online), onprem (synced user with an Exchange Online licence but no "
                                      "cloud mailbox), none (no cloud mailbox; cloud-only, or synced without that licence) or unknown")
    evidence: str = Field(description="how the location was decided, e.g. 'mailboxSettings 200', '404 MailboxNotEnabledForRESTAPI'")
    purpose: str | None = Field(default=None, description="mailboxSettings userPurpose: user, shared, room, equipment, ...")
    item_count: int | None = Field(default=None, description="items (mailbox usage report)")
    storage_used_bytes: int | None = Field(default=None, description="storage used (mailbox usage report)")


class M365UserActivity(SQLModel, table=True):
    """Per-user Teams activity and Microsoft 365 apps use from the usage reports."""

    __tablename__ = "m365_user_activity"
    id: int | None = Field(default=None, primary_key=True)
    scan_id: int = Field(foreign_key="scan.id", index=True, description="scan that collected it")
    tenant_id: str = Field(description="tenant id")
    upn: str = Field(description="user principal name as the report shows it (hashed when concealed)")
    channel_messages: int | None = Field(default=None, description="Teams channel posts plus replies")
    chat_messages: int | None = Field(default=None, description="Teams private chat messages")
    meetings: int | None = Field(default=None, description="Teams meetings")
    uses_web_apps: bool | None = Field(default=None, description="used Office for the web (runs on SharePoint)")
    uses_desktop_apps: bool | None = Field(default=None, description="used the Windows or Mac desktop apps")
