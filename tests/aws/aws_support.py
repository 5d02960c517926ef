"""Helpers for the AWS connector tests: fill moto server through boto3, scan it, pick rows."""

import json
import urllib.request

import boto3

from connectors.aws.collect import AwsConnector
from connectors.aws.config import AwsConfig
from connectors.base import ScanContext
from tests.declared import assert_declared

ACCOUNT = "123456789012"  # moto's default account for the "testing" credentials
ROLE = "WolkenwachtReadOnly"  # the member-account role of Organizations mode


def policy(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


ALLOW_ALL = {"Effect": "Allow", "Action": "*", "Resource": "*"}


def credentials(aws, role_arn: str) -> dict:
    creds = aws.client("sts").assume_role(RoleArn=role_arn, RoleSessionName="setup")["Credentials"]
    return {"aws_access_key_id": creds["AccessKeyId"], "aws_secret_access_key": creds["SecretAccessKey"],
            "aws_session_token": creds["SessionToken"]}


def organization(aws) -> list[str]:
    """An organization with two member accounts, each with the scan role and one queue."""
    org = aws.client("organizations", "us-east-1")
    org.create_organization(FeatureSet="ALL")
    members = [org.create_account(AccountName=name, Email=f"{name}@example.nl")["CreateAccountStatus"]["AccountId"]
               for name in ("belastingdienst", "rijkswaterstaat")]
    for account_id in members:
        creds = credentials(aws, f"arn:aws:iam::{account_id}:role/{ROLE}")
        iam = aws.client("iam", **creds)
        iam.create_role(RoleName=ROLE, AssumeRolePolicyDocument=policy(
            {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"}))
        iam.put_role_policy(RoleName=ROLE, PolicyName="read", PolicyDocument=policy(ALLOW_ALL))
        aws.client("sqs", **creds).create_queue(QueueName=f"queue-{account_id}")
    return members


def post(url: str, body: bytes = b"") -> dict:
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "text/plain"})
    with urllib.request.urlopen(request) as answer:
        return json.loads(answer.read() or b"{}")


class Aws:
    """A moto server reached through boto3, and the connector pointed at it."""

    def __init__(self, url: str):
        self.url = url

    def client(self, service: str, region: str = "eu-west-1", **credentials):
        return boto3.client(service, region_name=region, endpoint_url=self.url, **credentials)

    def connector(self, context: ScanContext | None = None, **config) -> AwsConnector:
        settings = {"name": "test", "endpoint_url": self.url, "regions": ["eu-west-1"], "max_attempts": 1} | config
        return AwsConnector(AwsConfig(**settings), context or ScanContext())

    def scan(self, **config) -> list:
        return assert_declared("aws", list(self.connector(**config).collect()))

    def enforce_iam(self) -> None:
        """From now on moto checks every request against the caller's IAM policies."""
        post(f"{self.url}/moto-api/reset-auth", b"0")

    @staticmethod
    def of(rows: list, kind: type, **match) -> list:
        """The rows of one model type whose fields equal ``match``."""
        return [r for r in rows if isinstance(r, kind) and all(getattr(r, k) == v for k, v in match.items())]

    @staticmethod
    def one(rows: list, kind: type, **match):
        found = Aws.of(rows, kind, **match)
        assert len(found) == 1, f"expected one {kind.__name__} {match}, found {len(found)}"
        return found[0]
