"""Faults injected between boto3 and moto server (tests/faults.py): bad answers fail, time stays bounded."""

import time
from urllib.parse import urlsplit

import pytest
from aws_support import Aws

from connectors.base import ScanContext
from inventory.rows import Collection, Resource
from tests.faults import HANG, FaultProxy, First, answer, assert_nothing_observed, emptied, refused_url, truncated


@pytest.fixture
def proxy(aws):
    with FaultProxy(aws.url) as running:
        yield running


def scan(aws: Aws, proxy: FaultProxy, context: ScanContext | None = None, **config) -> list:
    return list(aws.connector(context, endpoint_url=proxy.url, **config).collect())


def target(prefix: str):
    return lambda request: request.target.startswith(prefix)


def list_buckets(request) -> bool:
    return request.method == "GET" and urlsplit(request.path).path == "/"


def failed(rows: list, call: str) -> list[Collection]:
    return [r for r in rows if isinstance(r, Collection) and r.call == call and not r.ok]


def tagged_table(aws: Aws) -> None:
    dynamodb = aws.client("dynamodb")
    arn = dynamodb.create_table(TableName="brp", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                                AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                                BillingMode="PAY_PER_REQUEST")["TableDescription"]["TableArn"]
    dynamodb.tag_resource(ResourceArn=arn, Tags=[{"Key": "classification", "Value": "basisregistratie-bron"}])


@pytest.mark.parametrize("fault", [truncated, emptied, answer(200, b"<html><body>Gateway</body></html>")])
def test_broken_tagging_answer_is_a_failed_call(aws, proxy, fault):
    tagged_table(aws)
    proxy.inject(target("ResourceGroupsTaggingAPI"), fault)
    rows = scan(aws, proxy)
    assert proxy.hits and failed(rows, "tag:GetResources"), "a broken answer must not read as 'no tags'"
    assert "InvalidAnswer" in failed(rows, "tag:GetResources")[0].error


def test_tagging_answer_without_result_key_is_a_failed_call(aws, proxy):
    tagged_table(aws)
    proxy.inject(target("ResourceGroupsTaggingAPI"), answer(200, {"PaginationToken": ""}))
    [record] = failed(scan(aws, proxy), "tag:GetResources")
    assert "has no ResourceTagMappingList" in record.error


@pytest.mark.parametrize("fault", [truncated, emptied, answer(200, {"Keys": []})])  # the last lacks 'Truncated'
def test_broken_kms_answer_is_a_failed_call(aws, proxy, fault):
    aws.client("kms").create_key()
    proxy.inject(target("TrentService.ListKeys"), fault)
    assert failed(scan(aws, proxy), "kms:ListKeys")


@pytest.mark.parametrize("fault", [answer(200, b"<!DOCTYPE html><html><body><p>Sign in<br></body></html>"),
                                   answer(200, b"<html><body>ok</body></html>"), emptied, truncated])
def test_html_or_broken_bucket_listing_is_a_failed_call(aws, proxy, fault):
    aws.client("s3").create_bucket(Bucket="open-data", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    proxy.inject(list_buckets, fault)
    rows = scan(aws, proxy)
    assert failed(rows, "s3:ListBuckets") and not aws.of(rows, Resource, type="s3.bucket")


def test_valid_empty_answers_are_not_failures(aws, proxy):
    rows = scan(aws, proxy)  # nothing in moto: every listing is valid and empty (SQS leaves QueueUrls out)
    assert [r.call for r in rows if isinstance(r, Collection) and not r.ok] == ["detective:ListGraphs"]  # not in moto


@pytest.mark.parametrize("fault", [answer(400, {"__type": "AccessDeniedException", "message": "denied"}), truncated])
def test_key_custody_is_unknown_when_kms_is_not_observed(aws, proxy, fault):
    key = aws.client("kms").create_key()["KeyMetadata"]["Arn"]
    s3 = aws.client("s3")
    s3.create_bucket(Bucket="zorgdata", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    s3.put_bucket_encryption(Bucket="zorgdata", ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key}}]})
    assert aws.one(scan(aws, proxy), Resource, type="s3.bucket").key_custody == "customer"
    proxy.inject(target("TrentService."), fault)
    rows = scan(aws, proxy)
    assert failed(rows, "kms:ListKeys")
    assert aws.one(rows, Resource, type="s3.bucket").key_custody is None  # not 'customer' by default


def test_hung_calls_end_at_the_deadline(aws, proxy):
    proxy.inject(lambda request: request.target != "GetCallerIdentity", HANG)
    started = time.monotonic()
    rows = scan(aws, proxy, ScanContext(deadline=time.monotonic() + 3, timeouts=(2, 2)), max_attempts=5)
    assert time.monotonic() - started < 60  # without read timeouts and the deadline: 60 s x 5 attempts per call
    assert failed(rows, "kms:ListKeys") and failed(rows, "s3:ListBuckets")
    assert not [r for r in rows if isinstance(r, Collection) and r.ok and r.call != "sts:GetCallerIdentity"]


def test_retry_after_never_outlasts_the_deadline(aws, proxy):
    throttled = answer(429, {"__type": "ThrottlingException", "message": "slow down"}, Retry_After="100")
    proxy.inject(lambda request: request.target != "GetCallerIdentity", throttled)
    started = time.monotonic()
    rows = scan(aws, proxy, ScanContext(deadline=time.monotonic() + 3, timeouts=(2, 2)), max_attempts=20)
    assert time.monotonic() - started < 60
    assert failed(rows, "kms:ListKeys") and proxy.hits


@pytest.mark.parametrize("status, error", [(429, "ThrottlingException"), (503, "ServiceUnavailableException")])
def test_retry_after_is_honoured_within_the_deadline(aws, proxy, status, error):
    """botocore alone retries a throttled call after its own short backoff (well under a second at first)."""
    throttled = First(2, answer(status, {"__type": error, "message": "slow down"}, Retry_After="2"))
    proxy.inject(target("TrentService.ListKeys"), throttled)
    rows = scan(aws, proxy, ScanContext(deadline=time.monotonic() + 120), max_attempts=5)
    assert not failed(rows, "kms:ListKeys")
    assert len(throttled.at) >= 3 and all(gap >= 1.9 for gap in throttled.gaps()[:2]), throttled.gaps()


def test_retry_after_past_the_deadline_is_not_retried(aws, proxy):
    throttled = First(100, answer(429, {"__type": "ThrottlingException", "message": "slow down"}, Retry_After="100"))
    proxy.inject(target("TrentService.ListKeys"), throttled)
    rows = scan(aws, proxy, ScanContext(deadline=time.monotonic() + 60), max_attempts=5)
    assert failed(rows, "kms:ListKeys")
    assert len(throttled.at) == len({r.region for r in rows if isinstance(r, Collection) and r.call == "kms:ListKeys"})


@pytest.mark.parametrize("fault", [answer(503, {"__type": "ServiceUnavailableException", "message": "try later"}),
                                   answer(500, b"<html><body>Internal Server Error</body></html>")], ids=["503", "500-html"])
def test_a_5xx_storm_ends_at_the_deadline_as_failed_calls(aws, proxy, fault):
    proxy.inject(lambda request: request.target != "GetCallerIdentity", fault)
    started = time.monotonic()
    rows = scan(aws, proxy, ScanContext(deadline=time.monotonic() + 4, timeouts=(2, 2)), max_attempts=20)
    assert time.monotonic() - started < 60
    assert failed(rows, "kms:ListKeys") and failed(rows, "s3:ListBuckets")
    assert not [r for r in rows if isinstance(r, Resource)]


def test_a_refused_connection_is_a_failed_call(aws):
    rows = list(aws.connector(ScanContext(deadline=time.monotonic() + 60), endpoint_url=refused_url()).collect())
    calls = assert_nothing_observed(rows)
    assert all("connect" in (c.error or "").lower() for c in calls), [c.error for c in calls]
