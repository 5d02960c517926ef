"""Resources, their location, creation time, tags and encryption at rest, scanned from moto server."""

from datetime import UTC

import pytest
from aws_support import ACCOUNT, Aws

from connectors.aws.inventory import arn_key
from connectors.aws.services import s3_region
from inventory.rows import Collection, Resource, Setting


def key_arn(aws: Aws, region: str = "eu-west-1", **params) -> str:
    return aws.client("kms", region).create_key(**params)["KeyMetadata"]["Arn"]


@pytest.mark.parametrize("rule, encrypted, custody, with_key", [
    (None, False, "none", False),  # no default-encryption configuration = not encrypted
    ({"SSEAlgorithm": "AES256"}, True, "provider", False),
    ({"SSEAlgorithm": "aws:kms"}, True, "provider", False),  # the AWS managed key aws/s3
    ({"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "CUSTOMER"}, True, "customer", True),
    ({"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "EXTERNAL_KEY_STORE"}, True, "external", True),
])
def test_s3_bucket_encryption(aws, rule, encrypted, custody, with_key):
    s3 = aws.client("s3")
    s3.create_bucket(Bucket="ministry-data", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    if rule and with_key:
        origin = rule["KMSMasterKeyID"]
        rule = rule | {"KMSMasterKeyID": key_arn(aws, Origin="AWS_KMS" if origin == "CUSTOMER" else origin)}
    if rule:
        s3.put_bucket_encryption(Bucket="ministry-data", ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": rule}]})
    bucket = aws.one(aws.scan(), Resource, type="s3.bucket")
    assert (bucket.encrypted, bucket.key_custody) == (encrypted, custody)
    assert bucket.key_id == (rule["KMSMasterKeyID"] if with_key else None)
    assert bucket.stores_data is True


def test_s3_bucket_location_tags_and_creation(aws):
    aws.client("s3", "us-east-1").create_bucket(Bucket="virginia-bucket")  # no LocationConstraint = us-east-1
    frankfurt = aws.client("s3", "eu-central-1")
    frankfurt.create_bucket(Bucket="frankfurt-bucket", CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    frankfurt.put_bucket_tagging(Bucket="frankfurt-bucket",
                                 Tagging={"TagSet": [{"Key": "classification", "Value": "intern"}]})
    rows = aws.scan(regions=["eu-west-1"])  # buckets outside the scanned regions are still reported
    virginia = aws.one(rows, Resource, name="virginia-bucket")
    frankfurt = aws.one(rows, Resource, name="frankfurt-bucket")
    assert (virginia.region, frankfurt.region) == ("us-east-1", "eu-central-1")
    assert (virginia.tags, frankfurt.tags) == ({}, {"classification": "intern"})  # NoSuchTagSet = no tags
    assert frankfurt.uid == "arn:aws:s3:::frankfurt-bucket"
    assert frankfurt.created_at.tzinfo == UTC
    assert frankfurt.raw["Location"] == {"LocationConstraint": "eu-central-1"}
    assert aws.one(rows, Collection, call="s3:GetBucketTagging").ok


@pytest.mark.parametrize("constraint, region", [(None, "us-east-1"), ("", "us-east-1"), ("EU", "eu-west-1"),
                                                ("ap-south-1", "ap-south-1")])
def test_s3_legacy_location_constraints(constraint, region):
    assert s3_region({"Location": {"LocationConstraint": constraint}}) == region


@pytest.mark.parametrize("encrypted", [False, True])
def test_ebs_volume_and_snapshot_encryption(aws, encrypted):
    ec2 = aws.client("ec2")
    key = key_arn(aws)
    params = {"Encrypted": True, "KmsKeyId": key} if encrypted else {}
    volume = ec2.create_volume(AvailabilityZone="eu-west-1a", Size=1, TagSpecifications=[
        {"ResourceType": "volume",
         "Tags": [{"Key": "Name", "Value": "data"}, {"Key": "classification", "Value": "geheim"}]}],
        **params)
    ec2.create_snapshot(VolumeId=volume["VolumeId"])
    rows = aws.scan()
    volume_row = aws.one(rows, Resource, type="ec2.volume")
    assert (volume_row.encrypted, volume_row.key_custody, volume_row.key_id) == (
        (True, "customer", key) if encrypted else (False, "none", None))
    snapshot = aws.one(rows, Resource, type="ec2.snapshot")  # moto leaves KmsKeyId off snapshots
    assert (snapshot.encrypted, snapshot.key_custody == "none") == (encrypted, not encrypted)
    for row in (volume_row, snapshot):
        assert row.region == "eu-west-1" and row.stores_data and row.created_at.tzinfo == UTC
    assert volume_row.name == "data" and volume_row.tags == {"Name": "data", "classification": "geheim"}
    assert volume_row.uid == f"arn:aws:ec2:eu-west-1:{ACCOUNT}:volume/{volume['VolumeId']}"


def test_ebs_volume_with_external_key_store_key(aws):
    xks = key_arn(aws, Origin="EXTERNAL_KEY_STORE")
    aws.client("ec2").create_volume(AvailabilityZone="eu-west-1a", Size=1, Encrypted=True, KmsKeyId=xks)
    rows = aws.scan()
    assert aws.one(rows, Resource, type="ec2.volume").key_custody == "external"
    key = aws.one(rows, Resource, type="kms.key", uid=xks)
    assert (key.key_custody, key.stores_data, key.encrypted) == ("external", False, None)
    assert key.raw["Origin"] == "EXTERNAL_KEY_STORE"


@pytest.mark.parametrize("encrypted", [False, True])
def test_rds_instance_and_cluster_encryption(aws, encrypted):
    rds = aws.client("rds")
    key = key_arn(aws)
    extra = {"StorageEncrypted": True, "KmsKeyId": key} if encrypted else {"StorageEncrypted": False}
    rds.create_db_instance(DBInstanceIdentifier="register-db", Engine="postgres", DBInstanceClass="db.t3.micro",
                           MasterUsername="admin", MasterUserPassword="password123", AllocatedStorage=20,
                           Tags=[{"Key": "classification", "Value": "basisregistratie-bron"}], **extra)
    rds.create_db_cluster(DBClusterIdentifier="register-cluster", Engine="aurora-postgresql",
                          MasterUsername="admin", MasterUserPassword="password123", **extra)
    rows = aws.scan()
    for kind in ("rds.db_instance", "rds.db_cluster"):
        row = aws.one(rows, Resource, type=kind)
        assert (row.encrypted, row.key_custody) == ((True, "customer") if encrypted else (False, "none")), kind
        assert row.created_at is not None and row.stores_data
    assert aws.one(rows, Resource, type="rds.db_instance").tags == {"classification": "basisregistratie-bron"}


@pytest.mark.parametrize("customer_key", [False, True])
def test_dynamodb_table_is_always_encrypted(aws, customer_key):
    key = key_arn(aws)
    sse = {"SSESpecification": {"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": key}} if customer_key else {}
    aws.client("dynamodb").create_table(
        TableName="cases", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST",
        Tags=[{"Key": "classification", "Value": "intern"}], **sse)
    table = aws.one(aws.scan(), Resource, type="dynamodb.table")
    assert (table.encrypted, table.key_custody) == (True, "customer" if customer_key else "provider")
    assert table.tags == {"classification": "intern"}  # from the Tagging API
    assert table.uid == f"arn:aws:dynamodb:eu-west-1:{ACCOUNT}:table/cases" and table.created_at is not None


@pytest.mark.parametrize("attributes, encrypted, custody", [
    ({"SqsManagedSseEnabled": "false"}, False, "none"),
    ({"SqsManagedSseEnabled": "true"}, True, "provider"),
    ({"KmsMasterKeyId": "CUSTOMER"}, True, "customer"),
])
def test_sqs_queue_encryption(aws, attributes, encrypted, custody):
    if "KmsMasterKeyId" in attributes:
        attributes = {"KmsMasterKeyId": key_arn(aws)}
    aws.client("sqs").create_queue(QueueName="inbox", Attributes=attributes)
    queue = aws.one(aws.scan(), Resource, type="sqs.queue")
    assert (queue.encrypted, queue.key_custody) == (encrypted, custody)
    assert queue.uid == f"arn:aws:sqs:eu-west-1:{ACCOUNT}:inbox" and queue.created_at.tzinfo == UTC


@pytest.mark.parametrize("with_key", [False, True])
def test_sns_topic_encryption(aws, with_key):
    attributes = {"KmsMasterKeyId": key_arn(aws)} if with_key else {}
    aws.client("sns").create_topic(Name="alerts", Attributes=attributes)
    topic = aws.one(aws.scan(), Resource, type="sns.topic")
    assert (topic.encrypted, topic.key_custody) == ((True, "customer") if with_key else (False, "none"))


@pytest.mark.parametrize("encrypted", [False, True])
def test_efs_encryption(aws, encrypted):
    key = key_arn(aws)
    aws.client("efs").create_file_system(CreationToken="share", Encrypted=encrypted,
                                         **({"KmsKeyId": key} if encrypted else {}),
                                         Tags=[{"Key": "Name", "Value": "share"}])
    share = aws.one(aws.scan(), Resource, type="efs.file_system")
    assert (share.encrypted, share.key_custody) == ((True, "customer") if encrypted else (False, "none"))
    assert share.name == "share" and share.tags == {"Name": "share"}


def test_compute_and_other_tagged_resources(aws):
    aws.client("ec2").run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1, TagSpecifications=[
        {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "web"}]}])
    role = aws.client("iam").create_role(RoleName="fn", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    aws.client("lambda").create_function(FunctionName="intake", Runtime="python3.12", Role=role, Handler="a.b",
                                         Code={"ZipFile": b"PK\x05\x06" + b"\0" * 18}, Tags={"team": "intake"})
    aws.client("logs").create_log_group(logGroupName="audit", tags={"classification": "intern"})
    rows = aws.scan()
    instance = aws.one(rows, Resource, type="ec2.instance")
    assert (instance.name, instance.stores_data, instance.encrypted, instance.key_custody) == ("web", False, None, None)
    assert instance.created_at is not None
    function = aws.one(rows, Resource, type="lambda.function")
    assert function.tags == {"team": "intake"} and function.stores_data is False
    log_group = aws.one(rows, Resource, type="logs.log-group")
    assert (log_group.source_api, log_group.region, log_group.tags) == ("tag:GetResources", "eu-west-1",
                                                                       {"classification": "intern"})
    assert log_group.encrypted is None  # not observed, never assumed
    # resources the specs collected (the tagged instance, function) are not repeated from the Tagging API
    uids = [r.uid for r in rows if isinstance(r, Resource)]
    assert len(uids) == len(set(uids))
    assert {r.type for r in rows if isinstance(r, Resource)} == {
        "ec2.instance", "ec2.volume", "lambda.function", "logs.log-group"}  # the volume: the instance's root disk


def test_ebs_encryption_by_default_per_region(aws):
    aws.client("ec2", "us-east-1").enable_ebs_encryption_by_default()
    rows = aws.scan(regions=["eu-west-1", "us-east-1", "cn-north-1"])
    values = {s.region: s.value for s in aws.of(rows, Setting, key="ec2.ebs_encryption_by_default")}
    assert values == {"eu-west-1": "false", "us-east-1": "true", "cn-north-1": "false"}


def test_resources_carry_their_region(aws):
    for region in ("eu-west-1", "cn-north-1"):
        aws.client("sqs", region).create_queue(QueueName=f"q-{region}")
    rows = aws.scan(regions=["eu-west-1", "us-east-1", "cn-north-1"])
    assert {r.name: r.region for r in aws.of(rows, Resource, type="sqs.queue")} == {
        "q-eu-west-1": "eu-west-1", "q-cn-north-1": "cn-north-1"}
    listed = {c.region for c in aws.of(rows, Collection, call="sqs:ListQueues", ok=True)}
    assert listed == {"eu-west-1", "us-east-1", "cn-north-1"}


def cloudfront_function(aws: Aws, region: str, name: str = "rewrite") -> str:
    """A tagged CloudFront function: its ARN names no region (``arn:<partition>:cloudfront::<account>:function/x``)."""
    cloudfront = aws.client("cloudfront", region)
    arn = cloudfront.create_function(Name=name, FunctionConfig={"Comment": "", "Runtime": "cloudfront-js-2.0"},
                                     FunctionCode=b"function handler(e) { return e.request; }")["FunctionSummary"][
        "FunctionMetadata"]["FunctionARN"]
    cloudfront.tag_resource(Resource=arn, Tags={"Items": [{"Key": "classification", "Value": "staatsgeheim"}]})
    return arn


def test_a_tagged_resource_without_region_keeps_the_region_of_the_call(aws):
    """#11 point 18: a China-partition resource seen only through the Tagging API is in China, not 'global'."""
    arn = cloudfront_function(aws, "cn-north-1")
    assert arn.startswith("arn:aws-cn:cloudfront::")
    rows = aws.scan(regions=["cn-north-1"])
    function = aws.one(rows, Resource, uid=arn)
    assert (function.region, function.source_api, function.type) == ("cn-north-1", "tag:GetResources", "cloudfront.function")
    assert function.tags == {"classification": "staatsgeheim"}


def test_a_tagged_resource_without_region_from_several_regions_is_stored_once_without_a_region(aws):
    arn = cloudfront_function(aws, "cn-north-1")
    rows = aws.scan(regions=["cn-north-1", "cn-northwest-1"])  # both regions' calls return it
    assert aws.one(rows, Resource, uid=arn).region == "global"


def test_a_resource_seen_in_two_partition_forms_is_stored_once(aws):
    """The scan identity's partition (aws, from eu-west-1) builds the volume's ARN; the China Tagging API answers
    arn:aws-cn:...: one resource, with the tags the Tagging API gave."""
    volume = aws.client("ec2", "cn-north-1").create_volume(AvailabilityZone="cn-north-1a", Size=1, TagSpecifications=[
        {"ResourceType": "volume", "Tags": [{"Key": "classification", "Value": "staatsgeheim"}]}])["VolumeId"]
    bucket = aws.client("s3", "eu-west-1")
    bucket.create_bucket(Bucket="archief", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    bucket.put_bucket_tagging(Bucket="archief", Tagging={"TagSet": [{"Key": "classification", "Value": "intern"}]})
    rows = aws.scan(regions=["eu-west-1", "cn-north-1"])
    [found] = [r for r in rows if isinstance(r, Resource) and r.uid.endswith(f"volume/{volume}")]
    assert (found.type, found.region, found.tags) == ("ec2.volume", "cn-north-1", {"classification": "staatsgeheim"})
    buckets = [r for r in rows if isinstance(r, Resource) and r.uid.endswith(":archief")]
    assert [(b.type, b.region) for b in buckets] == [("s3.bucket", "eu-west-1")]
    uids = [r.uid for r in rows if isinstance(r, Resource)]
    assert len(uids) == len(set(uids))


@pytest.mark.parametrize("one, other", [
    ("arn:aws:ec2:cn-north-1:123456789012:volume/vol-1", "arn:aws-cn:ec2:cn-north-1:123456789012:volume/vol-1"),
    ("arn:aws:ec2:eu-west-1::snapshot/snap-1", "arn:aws:ec2:eu-west-1:123456789012:snapshot/snap-1"),
    ("arn:aws:s3:::archief", "arn:aws:s3:eu-west-1:123456789012:archief"),
    ("arn:aws-cn:s3:::archief", "arn:aws:s3:::archief"),
])
def test_arn_forms_of_one_resource_share_a_key(one, other):
    assert arn_key(one) == arn_key(other)


@pytest.mark.parametrize("one, other", [
    ("arn:aws:ec2:eu-west-1:123456789012:volume/vol-1", "arn:aws:ec2:eu-central-1:123456789012:volume/vol-1"),
    ("arn:aws:s3:::archief", "arn:aws:s3:::archief/object"),
    ("arn:aws:s3:eu-west-1:123456789012:accesspoint/ap", "arn:aws:s3:eu-central-1:123456789012:accesspoint/ap"),
])
def test_arn_keys_keep_distinct_resources_apart(one, other):
    assert arn_key(one) != arn_key(other)
