"""Identity, role assumption, Organizations mode, region discovery and AccessDenied paths."""

import pytest
from aws_support import ACCOUNT, ALLOW_ALL, ROLE, credentials, organization, policy

from connectors.aws import accounts
from connectors.aws.session import Scope
from inventory.rows import Account, Collection, Resource, ScopeExcluded


def scan_as_user(aws, monkeypatch, *statements: dict, **config) -> list:
    """Scan with the keys of an IAM user holding only ``statements``, with moto enforcing IAM."""
    iam = aws.client("iam")
    iam.create_user(UserName="scanner")
    iam.put_user_policy(UserName="scanner", PolicyName="scan", PolicyDocument=policy(*statements))
    key = iam.create_access_key(UserName="scanner")["AccessKey"]
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key["AccessKeyId"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", key["SecretAccessKey"])
    monkeypatch.delenv("AWS_SESSION_TOKEN")
    aws.enforce_iam()
    return aws.scan(**config)


def failures(rows) -> list[Collection]:
    """Failed calls, without Detective (moto does not implement it)."""
    return [c for c in rows if isinstance(c, Collection) and not c.ok and c.call != "detective:ListGraphs"]


def denied(rows) -> list[Collection]:
    """Failed calls refused by IAM. With IAM enforcement on, moto server also rejects the signature of
    REST-style APIs (Lambda, EFS, GuardDuty, ...) with SignatureDoesNotMatch: a moto limitation."""
    found = [c for c in failures(rows) if "AccessDenied" in c.error]
    assert all("SignatureDoesNotMatch" in c.error for c in failures(rows) if c not in found)
    return found


def test_single_account(aws):
    rows = aws.scan()
    account = aws.one(rows, Account)
    assert (account.account_id, account.kind, account.estate) == (ACCOUNT, "aws-account", "test")
    assert account.raw["Account"] == ACCOUNT
    assert aws.one(rows, Collection, call="sts:GetCallerIdentity").area == "accounts"


def test_role_arn_is_assumed_first(aws):
    aws.client("sqs", **credentials(aws, f"arn:aws:iam::111122223333:role/{ROLE}")).create_queue(QueueName="theirs")
    aws.client("sqs").create_queue(QueueName="ours")
    rows = aws.scan(role_arn=f"arn:aws:iam::111122223333:role/{ROLE}", external_id="ministry")
    assert aws.one(rows, Account).account_id == "111122223333"
    assert [r.name for r in rows if isinstance(r, Resource)] == ["theirs"]
    assert aws.one(rows, Collection, call="sts:AssumeRole").ok


def test_organization_mode_scans_every_member(aws):
    members = organization(aws)
    rows = aws.scan(organization={"role_name": ROLE})
    found = {a.account_id: a for a in rows if isinstance(a, Account)}
    assert set(found) == {ACCOUNT, *members}
    assert found[members[0]].name == "belastingdienst" and found[members[0]].parent_id.startswith("o-")
    queues = {r.name: r.account_id for r in rows if isinstance(r, Resource)}
    assert queues == {f"queue-{m}": m for m in members}
    assumed = {c.account_id for c in rows if isinstance(c, Collection) and c.call == "sts:AssumeRole" and c.ok}
    assert assumed == set(members)
    assert failures(rows) == []


def test_failed_assume_is_an_error_for_that_account_only(aws, monkeypatch):
    members = organization(aws)
    refused = f"arn:aws:iam::{members[1]}:role/{ROLE}"
    rows = scan_as_user(aws, monkeypatch, ALLOW_ALL,
                        {"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": refused},
                        organization={"role_name": ROLE})
    [failure] = denied(rows)
    assert (failure.call, failure.account_id, failure.area, failure.permission) == (
        "sts:AssumeRole", members[1], "accounts", "sts:AssumeRole")
    assert {a.account_id for a in rows if isinstance(a, Account)} == {ACCOUNT, *members}  # still known
    assert [r.account_id for r in rows if isinstance(r, Resource)] == [members[0]]


def test_failed_organization_listing_still_scans_the_caller(aws, monkeypatch):
    organization(aws)
    aws.client("sqs").create_queue(QueueName="management")
    rows = scan_as_user(aws, monkeypatch, ALLOW_ALL,
                        {"Effect": "Deny", "Action": "organizations:ListAccounts", "Resource": "*"},
                        organization={"role_name": ROLE})
    [failure] = denied(rows)
    assert (failure.call, failure.area, failure.account_id, failure.permission) == (
        "organizations:ListAccounts", "accounts", ACCOUNT, "organizations:ListAccounts")
    assert aws.one(rows, Account).account_id == ACCOUNT
    assert [r.name for r in rows if isinstance(r, Resource)] == ["management"]


def test_access_denied_on_one_service_leaves_the_others(aws, monkeypatch):
    aws.client("sqs").create_queue(QueueName="hidden")
    aws.client("sns").create_topic(Name="visible")
    aws.client("dynamodb").create_table(
        TableName="half-seen", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    rows = scan_as_user(aws, monkeypatch, ALLOW_ALL,
                        {"Effect": "Deny", "Action": ["sqs:*", "dynamodb:DescribeTable"], "Resource": "*"},
                        regions=["eu-west-1", "us-east-1"])
    assert {(c.call, c.region, c.permission, c.area) for c in denied(rows)} == {
        ("sqs:ListQueues", region, "sqs:ListQueues", "inventory") for region in ("eu-west-1", "us-east-1")
    } | {("dynamodb:DescribeTable", "eu-west-1", "dynamodb:DescribeTable", "inventory")}
    detail = aws.one(rows, Collection, call="dynamodb:DescribeTable", ok=False)
    assert detail.error.startswith("AccessDenied") and detail.subject.endswith(":table/half-seen")
    assert {r.name: r.encrypted for r in rows if isinstance(r, Resource)} == {"visible": False, "half-seen": None}


def test_star_means_the_enabled_regions(aws):
    connector = aws.connector(regions=["*"])
    answer = aws.client("ec2", "us-east-1").describe_regions()["Regions"]
    regions, (record,) = accounts.regions(connector.clients, connector.config, Scope(ACCOUNT, "aws", None, "us-east-1"))
    assert regions == sorted(r["RegionName"] for r in answer if r["OptInStatus"] != "not-opted-in")
    assert "eu-west-1" in regions and "il-central-1" not in regions  # il-central-1 is not opted in
    assert (record.call, record.ok, record.item_count) == ("ec2:DescribeRegions", True, len(answer))


@pytest.mark.parametrize("listed", [["eu-west-1"], ["EU-WEST-1", "cn-north-1"]])
def test_listed_regions_are_used_as_given_and_the_other_enabled_ones_recorded(aws, listed):
    connector = aws.connector(regions=listed)
    enabled = {r["RegionName"] for r in aws.client("ec2", "us-east-1").describe_regions()["Regions"]
               if r["OptInStatus"] != "not-opted-in"}
    regions, rows = accounts.regions(connector.clients, connector.config, Scope(ACCOUNT, "aws"))
    assert regions == [r.lower() for r in listed]
    record = aws.one(rows, Collection, call="ec2:DescribeRegions")
    assert (record.ok, record.area) == (True, "inventory")
    left_out = aws.of(rows, ScopeExcluded)
    assert sorted(r.region for r in left_out) == sorted(enabled - set(regions))
    assert {(r.provider, r.account_id, r.config_field, r.source_api, r.estate) for r in left_out} == {
        ("aws", ACCOUNT, "regions", "ec2:DescribeRegions", "test")}


def test_a_resource_in_a_region_left_out_is_recorded_as_not_scanned(aws):
    """#11 point 15: a state-secret volume in an unlisted region gives no resource row, but its region is on record."""
    aws.client("ec2", "us-east-1").create_volume(AvailabilityZone="us-east-1a", Size=1, TagSpecifications=[
        {"ResourceType": "volume", "Tags": [{"Key": "classification", "Value": "staatsgeheim"}]}])
    rows = aws.scan(regions=["eu-west-1"])
    assert not [r for r in rows if isinstance(r, Resource) and r.region == "us-east-1"]
    assert "us-east-1" in {r.region for r in aws.of(rows, ScopeExcluded, account_id=ACCOUNT)}
    assert "eu-west-1" not in {r.region for r in aws.of(rows, ScopeExcluded)}


def test_every_member_account_records_its_left_out_regions(aws):
    members = organization(aws)
    rows = aws.scan(organization={"role_name": ROLE}, regions=["eu-west-1", "eu-central-1"])
    left_out = {(r.account_id, r.region) for r in aws.of(rows, ScopeExcluded)}
    for account_id in (ACCOUNT, *members):
        assert (account_id, "us-east-1") in left_out and (account_id, "eu-west-1") not in left_out


def test_failed_region_discovery_with_listed_regions_still_scans_them(aws, monkeypatch):
    aws.client("sqs").create_queue(QueueName="seen")
    rows = scan_as_user(aws, monkeypatch, ALLOW_ALL, {"Effect": "Deny", "Action": "ec2:DescribeRegions", "Resource": "*"})
    assert {c.call for c in denied(rows)} == {"ec2:DescribeRegions"}
    assert not aws.of(rows, ScopeExcluded)
    assert [r.name for r in rows if isinstance(r, Resource)] == ["seen"]
