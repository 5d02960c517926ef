"""``wolkenwacht permissions``: the least-privilege permissions per source, as the manifests declare them."""

import re
from pathlib import Path

from click.testing import CliRunner

from scanner.cli import main

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str):
    return CliRunner().invoke(main, ["permissions", *args])


def lines(*args: str) -> list[list[str]]:
    result = run(*args)
    assert result.exit_code == 0, result.output
    return [line.split("\t") for line in result.output.splitlines()]


def test_aws_permissions_are_the_documented_iam_actions():
    documented = re.findall(r"^\| `([a-z0-9-]+:[A-Za-z0-9]+)` \|", (ROOT / "connectors/aws/permissions.md").read_text(), re.M)
    printed = lines("--provider", "aws")
    assert {provider for provider, _, _ in printed} == {"aws"}
    assert sorted(permission for _, permission, _ in printed) == sorted(documented)
    assert ["aws", "s3:ListAllMyBuckets", "s3:ListBuckets"] in printed


def test_a_permission_every_call_needs_is_marked_with_a_star():
    assert ["gcp", "serviceusage.services.use", "*"] in lines("--provider", "gcp")


def test_every_source_is_listed_once_per_permission():
    printed = lines()
    assert {provider for provider, _, _ in printed} == {"aws", "m365", "azure", "gcp", "onprem"}
    assert len({(provider, permission) for provider, permission, _ in printed}) == len(printed)
    assert ["m365", "Reports.Read.All", "graph:GetM365AppUserDetail graph:GetMailboxUsageDetail "
            "graph:GetOneDriveUsageAccountDetail graph:GetSharePointSiteUsageDetail graph:GetTeamsUserActivityUserDetail"] in printed


def test_unknown_provider_is_refused():
    result = run("--provider", "alibaba")
    assert result.exit_code == 2 and "alibaba" in result.output
