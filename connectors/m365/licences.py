"""Service plans per user: which workloads (Exchange, SharePoint, OneDrive, Teams, Office web/desktop) are on.

Plans are matched by service-plan id (Microsoft's licensing reference); unknown ids fall back to
the plan's ``service`` name. A SharePoint plan also provisions OneDrive for Business, so it sets
``plan_onedrive`` too. ``capabilityStatus`` Enabled and Warning (grace period) count as enabled.
"""

from connectors.m365.rows import M365User

PLAN_IDS = {
    "efb87545-963c-4e0d-99df-69c6916d9eb0": "exchange",        # EXCHANGE_S_ENTERPRISE
    "9aaf7827-d63c-4b61-89c3-182f06f82e5c": "exchange",        # EXCHANGE_S_STANDARD
    "4a82b400-a79f-41a4-b4e2-e94f5787b113": "exchange",        # EXCHANGE_S_DESKLESS
    "113feb6c-3fe4-4440-bddc-54d774bf0318": None,              # EXCHANGE_S_FOUNDATION: no mailbox
    "5dbe027f-2339-4123-9542-606e4d348a72": "sharepoint",      # SHAREPOINTENTERPRISE
    "c7699d2e-19aa-44de-8edf-1736da088ca1": "sharepoint",      # SHAREPOINTSTANDARD
    "902b47e5-dcb2-4fdc-858b-c63a90a2bdb9": "sharepoint",      # SHAREPOINTDESKLESS
    "13696edf-5a08-49f6-8134-03083ed8ba30": "onedrive",        # ONEDRIVESTANDARD
    "e95bec33-7c88-4a70-8e19-b10bd9d0c014": "office_web",      # SHAREPOINTWAC (Office for the web)
    "57ff2da0-773e-42df-b2af-ffb7a2317929": "teams",           # TEAMS1
    "43de0ff5-c92c-492b-9116-175376d08c38": "office_desktop",  # OFFICESUBSCRIPTION
}
SERVICES = {"exchange": "exchange", "sharepoint": "sharepoint", "teamspaceapi": "teams", "microsoftoffice": "office_desktop"}
ENABLED = {"enabled", "warning"}


def workload(plan) -> str | None:
    plan_id = str(plan.service_plan_id or "").lower()
    if plan_id in PLAN_IDS:
        return PLAN_IDS[plan_id]
    return SERVICES.get((plan.service or "").lower())


def user_row(tenant_id: str, user) -> M365User:
    """The m365_user row of one Graph user (``assignedPlans`` must have been $selected)."""
    enabled = [p for p in user.assigned_plans or [] if (p.capability_status or "").lower() in ENABLED]
    workloads = {workload(p) for p in enabled}
    return M365User(
        tenant_id=tenant_id, user_id=user.id, upn=(user.user_principal_name or "").lower() or None,
        mail=(user.mail or "").lower() or None, account_enabled=user.account_enabled,
        synced=bool(user.on_premises_sync_enabled), preferred_data_location=user.preferred_data_location,
        plan_exchange="exchange" in workloads, plan_sharepoint="sharepoint" in workloads,
        plan_onedrive=bool(workloads & {"onedrive", "sharepoint"}), plan_teams="teams" in workloads,
        plan_office_web="office_web" in workloads, plan_office_desktop="office_desktop" in workloads,
        enabled_plans="; ".join(sorted(str(p.service_plan_id) for p in enabled)) or None)
