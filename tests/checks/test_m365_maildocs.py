"""m365_maildocs (RBC26-MAILDOCS): a file count that was not observed is an error, never a pass,
and the files of team libraries count."""

import pytest

from connectors.m365.rows import M365Site, M365Team, M365Tenant

from .golden import M365, golden_estate, row, run

CHECK = "m365_maildocs"


def estate_with_m365(**mutations):
    """The golden estate with a tenant, an empty site and a team whose library is empty; the
    golden mailbox resource is not an m365_mailbox row, so no cloud mailbox is counted."""
    estate = golden_estate()
    site = M365Site(tenant_id=M365, site_id="host,1,2", name="Intranet", file_count=0)
    team = M365Team(tenant_id=M365, team_id="team-1", name="Crisisteam", channel_files=0)
    for name, value in mutations.items():
        target, field = name.split("__")
        setattr(site if target == "site" else team, field, value)
    estate.connector_rows += [M365Tenant(tenant_id=M365, name="JenV"), site, team]
    return estate


def test_maildocs_golden_tenant_passes(tmp_path):
    found = row(run(tmp_path, estate_with_m365(), CHECK), M365)
    assert (found["status"], found["sites_unobserved"], found["teams_unobserved"]) == ("pass", 0, 0)


@pytest.mark.parametrize("mutation, expected, text", [
    ({"site__file_count": None}, "error", "the file count of 1 SharePoint site(s) and 0 team librar(y/ies) is unknown"),
    ({"team__channel_files": None}, "error", "the file count of 0 SharePoint site(s) and 1 team librar(y/ies)"),
    ({"team__channel_files": 4}, "fail", "1 team librar(y/ies) with 4 file(s)"),
    ({"team__channel_files": 4, "site__file_count": None}, "fail", "1 team librar(y/ies) with 4 file(s)"),
    ({"site__file_count": 2}, "fail", "1 SharePoint site(s) with 2 file(s)"),
])
def test_maildocs_one_field_mutations(tmp_path, mutation, expected, text):
    found = row(run(tmp_path, estate_with_m365(**mutation), CHECK), M365)
    assert found["status"] == expected and text in found["message"]
