"""Usage reports on how the tenant is used: Teams channel posts versus chat and meetings, web versus desktop apps.

Per-user rows go to ``m365_user_activity`` (names are hashed when the tenant conceals report
names); totals go to the tenant row.
"""

from connectors.m365 import calls
from connectors.m365.graph import as_int, yes
from connectors.m365.rows import M365UserActivity
from connectors.m365.tenant_scan import TenantScan


def channel_messages(row: dict) -> int | None:
    """Channel activity: 'Team Chat Message Count' or posts plus replies, whichever the report fills."""
    counts = [as_int(row.get("Team Chat Message Count")),
              (as_int(row.get("Post Messages")) or 0) + (as_int(row.get("Reply Messages")) or 0)]
    return max(c for c in counts if c is not None)


async def collect(scan: TenantScan) -> None:
    period = scan.cfg.report_period
    teams = await scan.run(calls.TEAMS_ACTIVITY,
                           scan.session.report("get_teams_user_activity_user_detail", period))
    apps = await scan.run(calls.APP_USAGE, scan.session.report("get_m365_app_user_detail", period))
    users: dict[str, M365UserActivity] = {}

    def row(upn: str) -> M365UserActivity:
        return users.setdefault(upn, M365UserActivity(tenant_id=scan.tenant_id, upn=upn))

    t = scan.tenant
    if teams is not None:
        live = [r for r in teams if not yes(r.get("Is Deleted"))]
        for r in live:
            u = row(r.get("User Principal Name") or "")
            u.channel_messages, u.meetings = channel_messages(r), as_int(r.get("Meeting Count"))
            u.chat_messages = as_int(r.get("Private Chat Message Count"))
        t.teams_channel_messages = sum(channel_messages(r) or 0 for r in live)
        t.teams_chat_messages = sum(as_int(r.get("Private Chat Message Count")) or 0 for r in live)
        t.teams_meetings = sum(as_int(r.get("Meeting Count")) or 0 for r in live)
    if apps is not None:
        for r in apps:
            u = row(r.get("User Principal Name") or "")
            u.uses_web_apps = bool(yes(r.get("Web")))
            u.uses_desktop_apps = bool(yes(r.get("Windows")) or yes(r.get("Mac")))
        t.web_app_users = sum(bool(yes(r.get("Web"))) for r in apps)
        t.desktop_app_users = sum(bool(yes(r.get("Windows")) or yes(r.get("Mac"))) for r in apps)
    for u in users.values():
        scan.emit(u)
