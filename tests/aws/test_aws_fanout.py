"""Per-item calls run in parallel up to the configured limit, over real HTTP, with the rows of a sequential scan."""

import re
from dataclasses import asdict

import pytest
from aws_support import Aws

from connectors.base import ScanContext
from inventory.rows import Collection, Resource
from tests.faults import FaultProxy, answer
from tests.inflight import InFlight

PER_BUCKET = re.compile(r"^/[^/?]+/?\?(encryption|tagging|location)")


def per_bucket(request) -> bool:
    return request.method == "GET" and bool(PER_BUCKET.match(request.path))


def denied_tagging(request) -> bool:
    return per_bucket(request) and "tagging" in request.path and re.match(r"^/b-\d*7\b", request.path) is not None


def buckets(aws: Aws, count: int) -> None:
    s3 = aws.client("s3", "us-east-1")
    for i in range(count):
        s3.create_bucket(Bucket=f"b-{i:02d}")
        if i % 3 == 0:
            s3.put_bucket_encryption(Bucket=f"b-{i:02d}", ServerSideEncryptionConfiguration={
                "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
        if i % 2 == 0:
            s3.put_bucket_tagging(Bucket=f"b-{i:02d}", Tagging={"TagSet": [{"Key": "n", "Value": str(i)}]})


def scan_s3(aws: Aws, limit: int, delay: float = 0.03) -> tuple[list, InFlight]:
    gauge = InFlight(delay)
    denied = answer(403, b"<Error><Code>AccessDenied</Code><Message>no tags for you</Message></Error>")
    with FaultProxy(aws.url) as proxy:
        proxy.inject(denied_tagging, denied).inject(per_bucket, gauge)
        context = ScanContext(max_workers=8, concurrency={"s3": limit})
        rows = list(aws.connector(context, endpoint_url=proxy.url).collect())
    return [r for r in rows if isinstance(r, Resource) and r.type == "s3.bucket"
            or isinstance(r, Collection) and r.call.startswith("s3:")], gauge


def test_per_bucket_calls_run_in_parallel_up_to_the_limit_with_the_sequential_rows(aws):
    buckets(aws, 24)
    parallel, gauge = scan_s3(aws, limit=4)
    assert gauge.calls == 24 * 3 - 2, "every bucket's location, encryption and tagging (2 tagging calls denied)"
    assert 1 < gauge.most <= 4, f"{gauge.most} per-bucket calls were in flight at once; the limit is 4"
    sequential, one_by_one = scan_s3(aws, limit=1, delay=0)
    assert one_by_one.most == 1
    assert [asdict(r) for r in parallel] == [asdict(r) for r in sequential], "the same rows in the same order"
    [failed] = [r for r in parallel if isinstance(r, Collection) and not r.ok]
    assert (failed.call, failed.error) == ("s3:GetBucketTagging", "2 of 24 failed: AccessDenied: no tags for you")
    tagged = {r.name: r.tags for r in parallel if isinstance(r, Resource)}
    assert tagged["b-08"] == {"n": "8"} and tagged["b-07"] == {} and len(tagged) == 24


@pytest.mark.parametrize("limit", [2, 6])
def test_kms_describe_key_honours_its_own_limit(aws, limit):
    kms = aws.client("kms")
    for _ in range(12):
        kms.create_key()
    gauge = InFlight(0.03)
    with FaultProxy(aws.url) as proxy:
        proxy.inject(lambda request: request.target == "TrentService.DescribeKey", gauge)
        rows = list(aws.connector(ScanContext(max_workers=2, concurrency={"kms": limit}), endpoint_url=proxy.url).collect())
    assert gauge.calls == 12 and 1 < gauge.most <= limit
    assert len([r for r in rows if isinstance(r, Resource) and r.type == "kms.key" and r.created_at]) == 12
