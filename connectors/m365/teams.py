"""Teams: Teams-enabled groups, their channels, the files in each channel folder, the team library quota.

Every list and per-team answer is read as Graph's JSON (:meth:`GraphSession.all_json`); a team's
``raw`` is the group object as Graph sent it."""

import asyncio

from kiota_abstractions.base_request_configuration import RequestConfiguration
from kiota_abstractions.date_utils import datetime_from_iso_format_compat
from msgraph.generated.groups.groups_request_builder import GroupsRequestBuilder
from msgraph.generated.groups.item.drive.drive_request_builder import DriveRequestBuilder
from msgraph.generated.teams.item.channels.channels_request_builder import ChannelsRequestBuilder
from msgraph.generated.teams.item.channels.item.files_folder.files_folder_request_builder import FilesFolderRequestBuilder

from connectors.m365 import calls
from connectors.m365.rows import M365Channel, M365Team
from connectors.m365.tenant_scan import TenantScan

TEAM_FILTER = "resourceProvisioningOptions/Any(x:x eq 'Team')"
GROUP_FIELDS = ["id", "displayName", "visibility", "createdDateTime", "resourceProvisioningOptions", "preferredDataLocation"]


def _select(builder_cls, fields: list[str]) -> RequestConfiguration:
    params = getattr(builder_cls, f"{builder_cls.__name__}GetQueryParameters")
    return RequestConfiguration(query_parameters=params(select=fields))


async def collect(scan: TenantScan) -> None:
    session, client = scan.session, scan.session.client
    config = RequestConfiguration(query_parameters=GroupsRequestBuilder.GroupsRequestBuilderGetQueryParameters(
        filter=TEAM_FILTER, select=GROUP_FIELDS))
    groups = await scan.run(calls.TEAMS, session.all_json(client.groups, config))
    if groups is None:
        return
    groups = [g for g in groups if "Team" in (g.get("resourceProvisioningOptions") or [])]
    ids = [g.get("id") for g in groups]
    channel_config = _select(ChannelsRequestBuilder, ["id", "displayName", "membershipType"])
    drive_config = _select(DriveRequestBuilder, ["id", "driveType", "quota", "webUrl"])
    channel_lists, drives = await asyncio.gather(
        scan.run_many(calls.CHANNELS, [session.all_json(client.teams.by_team_id(i).channels, channel_config) for i in ids], ids),
        scan.run_many(calls.TEAM_DRIVE, [session.entity(client.groups.by_group_id(i).drive, drive_config) for i in ids], ids))
    pairs = [(g, c) for g, channels in zip(groups, channel_lists, strict=True) for c in channels or []]
    folder_config = _select(FilesFolderRequestBuilder, ["id", "name", "size", "folder", "webUrl"])
    folders = await scan.run_many(calls.FILES_FOLDER, [
        session.entity(client.teams.by_team_id(g.get("id")).channels.by_channel_id(c.get("id")).files_folder, folder_config)
        for g, c in pairs], [g.get("id") for g, _ in pairs])
    channel_rows: dict[str, list[M365Channel]] = {i: [] for i in ids}
    for (g, c), folder in zip(pairs, folders, strict=True):
        found = folder is not None
        row = M365Channel(tenant_id=scan.tenant_id, team_id=g.get("id"), channel_id=c.get("id"), name=c.get("displayName"),
                          membership_type=c.get("membershipType"),
                          file_count=((folder["folder"] or {}).get("childCount") if found and folder.get("folder") is not None
                                      else (0 if found else None)),
                          size_bytes=folder.get("size") if found else None, web_url=folder.get("webUrl") if found else None)
        channel_rows[g.get("id")].append(row)
        scan.emit(row)
    for g, channels, drive in zip(groups, channel_lists, drives, strict=True):
        _emit_team(scan, g, channels, channel_rows[g.get("id")], drive)


def _emit_team(scan: TenantScan, group: dict, channels, rows: list[M365Channel], drive) -> None:
    team_id, name = group.get("id"), group.get("displayName")
    created = datetime_from_iso_format_compat(group["createdDateTime"]) if group.get("createdDateTime") else None
    complete = channels is not None and all(r.file_count is not None for r in rows)
    scan.emit(M365Team(
        tenant_id=scan.tenant_id, team_id=team_id, name=name, visibility=group.get("visibility"),
        channel_count=len(channels) if channels is not None else None,
        channel_names="; ".join(f"{r.name} ({r.membership_type})" for r in rows) or None,
        non_standard_channels=sum(r.membership_type not in (None, "standard") for r in rows) if channels is not None else None,
        channel_files=sum(r.file_count for r in rows) if complete else None,
        channel_bytes=sum(r.size_bytes or 0 for r in rows) if complete else None,
        drive_used_bytes=(drive.get("quota") or {}).get("used") if drive is not None else None,
        created_at=created))
    scan.resource(team_id, "m365.team", name, group.get("preferredDataLocation"), calls.TEAMS.call,
                  group, stores_data=False, created_at=created)
