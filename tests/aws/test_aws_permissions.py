"""The declared calls equal the API operations a full scan really makes, and permissions.md documents them.

Calls are observed with a botocore ``before-call`` hook on the connector's boto3 session, the way
Cloud Custodian's test_resource_permissions holds every resource to its declared permissions. The
IAM action of each call is held to permissions.md, written from the AWS Service Authorization Reference.
"""

import re
import threading
from pathlib import Path

import pytest
from aws_support import ACCOUNT, ROLE, organization

from connectors.aws import MANIFEST, accounts
from connectors.aws.calls import client, operation
from connectors.aws.session import Scope
from connectors.base import ScanContext
from inventory.rows import Account

DOC = Path(__file__).parents[2] / "connectors" / "aws" / "permissions.md"


def observed(connector) -> set[tuple[str, str]]:
    """Fills with (boto3 service, operation) of every request the connector sends from now on."""
    seen: set[tuple[str, str]] = set()
    connector.session.events.register(
        "before-call", lambda model, **_: seen.add((model.service_model.service_name, model.name)))
    return seen


def populate(aws) -> None:
    """At least one item for every detail call, and a GuardDuty detector for GetDetector."""
    s3 = aws.client("s3")
    s3.create_bucket(Bucket="evidence", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    aws.client("dynamodb").create_table(
        TableName="cases", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    aws.client("sqs").create_queue(QueueName="inbox")
    aws.client("sns").create_topic(Name="alerts")
    aws.client("kms").create_key()
    aws.client("guardduty").create_detector(Enable=True)


def test_permissions_equal_the_calls_made(aws):
    populate(aws)
    members = organization(aws)
    connector = aws.connector(regions=["eu-west-1"], organization={"role_name": ROLE},
                              role_arn=f"arn:aws:iam::{ACCOUNT}:role/Scanner")
    seen = observed(connector)
    rows = list(connector.collect())
    assert {a.account_id for a in rows if isinstance(a, Account)} == {ACCOUNT, *members}
    # regions = ["*"]: a whole scan of moto's 38 regions takes too long; discovery alone adds its one call
    star = aws.connector(regions=["*"])
    discovery = observed(star)
    assert accounts.regions(star.clients, star.config, Scope(ACCOUNT, "aws", None, "us-east-1"))[0]
    seen |= discovery
    assert seen == {(client(call), operation(call)) for call in MANIFEST.calls}


def test_permissions_document_lists_exactly_the_declared_calls():
    """Each table row: IAM action, then the boto3 client and operation it allows."""
    documented = set(re.findall(r"^\| `([a-z0-9-]+:[A-Za-z0-9]+)` \| ([a-z0-9]+) ([A-Za-z0-9]+) \|", DOC.read_text(),
                                re.MULTILINE))
    assert documented == {(call.permission, client(call), operation(call)) for call in MANIFEST.calls}


@pytest.mark.parametrize("workers", [1, 3])
def test_calls_run_on_the_context_max_workers(aws, workers):
    """The pool has the scan context's max_workers ([[aws]] max_workers, else [scan]); nothing else sets it."""
    connector = aws.connector(context=ScanContext(max_workers=workers), regions=["eu-west-1", "eu-central-1"])
    threads: set[str] = set()
    connector.session.events.register("before-call", lambda **_: threads.add(threading.current_thread().name))
    list(connector.collect())
    assert len({name for name in threads if name.startswith("aws_")}) == workers
