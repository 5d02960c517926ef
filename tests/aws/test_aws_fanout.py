"""Per-item calls run in parallel up to the configured limit, over real HTTP, with the rows of a sequential scan;
they do not wait for the Tagging API."""

import re
import time
from dataclasses import asdict

import pytest
from aws_support import Aws
from sqlalchemy import text

from connectors.base import ScanContext
from inventory.rows import Collection, Resource
from tests.faults import FaultProxy, answer
from tests.inflight import InFlight
from tests.support import judge, new_inventory, store

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
    failed = [(r.call, r.error, r.subject) for r in parallel if isinstance(r, Collection) and not r.ok]
    assert failed == [("s3:GetBucketTagging", "AccessDenied: no tags for you", f"arn:aws:s3:::b-{i}") for i in ("07", "17")]
    tagged = {r.name: r.tags for r in parallel if isinstance(r, Resource)}
    assert tagged["b-08"] == {"n": "8"} and tagged["b-07"] == {} and len(tagged) == 24


def test_a_bucket_whose_tags_were_not_read_is_not_judged_untagged(aws, tmp_path):
    """b-07's and b-17's GetBucketTagging is denied: their findings of checks that need the inventory are 'error'
    (rule error_subject), the other buckets keep their verdicts, and no classification control passes the account."""
    buckets(aws, 24)
    rows, _ = scan_s3(aws, limit=4, delay=0)
    engine, scan_id = new_inventory(tmp_path)
    store(engine, scan_id, rows)
    judge(engine, scan_id)
    with engine.connect() as conn:
        found = dict(conn.execute(text(
            "select r.name, f.status from finding f join resource r on r.id = f.resource_id"
            " where f.scan_id = :s and f.check_id = 'location_eea'"), {"s": scan_id}).all())
        account_level = set(conn.execute(text(
            "select status from finding where scan_id = :s and check_id = 'classification_forbidden'"
            " and resource_id is null"), {"s": scan_id}).scalars())
    assert found["b-07"] == found["b-17"] == "error" and found["b-08"] == "fail"
    assert "error" in account_level and "pass" not in account_level


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


def test_per_bucket_calls_do_not_wait_for_the_tagging_api(aws):
    """The Tagging API answers after half a second; the buckets' rows need its answer, their calls do not."""
    buckets(aws, 6)
    gauge = InFlight(0.02)

    def slow_tagging(request, upstream):
        return gauge(request, lambda: (time.sleep(0.5), upstream())[1])

    with FaultProxy(aws.url) as proxy:
        proxy.inject(lambda request: request.target == "ResourceGroupsTaggingAPI_20170126.GetResources", slow_tagging)
        proxy.inject(per_bucket, gauge)
        rows = list(aws.connector(ScanContext(max_workers=8, concurrency={"s3": 1}), endpoint_url=proxy.url).collect())
    assert gauge.calls == 1 + 6 * 3, "one Tagging API call and every bucket's location, encryption and tagging"
    assert gauge.most == 2, "a per-bucket call was in flight beside the Tagging API call (one at a time by the limit)"
    assert {r.name: r.tags for r in rows if isinstance(r, Resource) and r.type == "s3.bucket"}["b-02"] == {"n": "2"}
