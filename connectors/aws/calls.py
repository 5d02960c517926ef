"""Every AWS API call the connector makes, with its area and IAM action (the manifest's ``calls``).

Names are ``<IAM namespace>:<API operation>``; the boto3 client is the namespace except where
:data:`CLIENTS` says otherwise. ``permissions.md`` documents the same table for people.
"""

from connectors.base import Call

ACCOUNTS, INVENTORY, SECURITY = "accounts", "inventory", "security_services"
CLIENTS = {"elasticfilesystem": "efs", "tag": "resourcegroupstaggingapi"}  # IAM namespace -> boto3 client


def client(call: Call) -> str:
    """The boto3 client of a call, e.g. ``efs`` for ``elasticfilesystem:DescribeFileSystems``."""
    namespace = call.call.split(":", 1)[0]
    return CLIENTS.get(namespace, namespace)


def operation(call: Call) -> str:
    """The API operation of a call, e.g. ``ListBuckets``."""
    return call.call.split(":", 1)[1]


def _inventory(call: str, permission: str = "") -> Call:
    return Call(INVENTORY, call, permission or call)


IDENTITY = Call(ACCOUNTS, "sts:GetCallerIdentity", "sts:GetCallerIdentity")
ASSUME = Call(ACCOUNTS, "sts:AssumeRole", "sts:AssumeRole")
LIST_ACCOUNTS = Call(ACCOUNTS, "organizations:ListAccounts", "organizations:ListAccounts")

DESCRIBE_REGIONS = _inventory("ec2:DescribeRegions")
TAGGING = _inventory("tag:GetResources")
EBS_DEFAULT = _inventory("ec2:GetEbsEncryptionByDefault")
LIST_BUCKETS = _inventory("s3:ListBuckets", "s3:ListAllMyBuckets")
BUCKET_LOCATION = _inventory("s3:GetBucketLocation")
BUCKET_ENCRYPTION = _inventory("s3:GetBucketEncryption", "s3:GetEncryptionConfiguration")
BUCKET_TAGGING = _inventory("s3:GetBucketTagging")
INSTANCES = _inventory("ec2:DescribeInstances")
VOLUMES = _inventory("ec2:DescribeVolumes")
SNAPSHOTS = _inventory("ec2:DescribeSnapshots")
DB_INSTANCES = _inventory("rds:DescribeDBInstances")
DB_CLUSTERS = _inventory("rds:DescribeDBClusters")
TABLES = _inventory("dynamodb:ListTables")
DESCRIBE_TABLE = _inventory("dynamodb:DescribeTable")
FUNCTIONS = _inventory("lambda:ListFunctions")
FILE_SYSTEMS = _inventory("elasticfilesystem:DescribeFileSystems")
QUEUES = _inventory("sqs:ListQueues")
QUEUE_ATTRIBUTES = _inventory("sqs:GetQueueAttributes")
TOPICS = _inventory("sns:ListTopics")
TOPIC_ATTRIBUTES = _inventory("sns:GetTopicAttributes")
KEYS = _inventory("kms:ListKeys")
DESCRIBE_KEY = _inventory("kms:DescribeKey")

GD_LIST = Call(SECURITY, "guardduty:ListDetectors", "guardduty:ListDetectors")
GD_GET = Call(SECURITY, "guardduty:GetDetector", "guardduty:GetDetector")
HUB = Call(SECURITY, "securityhub:DescribeHub", "securityhub:DescribeHub")
MACIE = Call(SECURITY, "macie2:GetMacieSession", "macie2:GetMacieSession")
INSPECTOR = Call(SECURITY, "inspector2:BatchGetAccountStatus", "inspector2:BatchGetAccountStatus")
DETECTIVE = Call(SECURITY, "detective:ListGraphs", "detective:ListGraphs")

CALLS = (IDENTITY, ASSUME, LIST_ACCOUNTS, DESCRIBE_REGIONS, TAGGING, EBS_DEFAULT, LIST_BUCKETS, BUCKET_LOCATION,
         BUCKET_ENCRYPTION, BUCKET_TAGGING, INSTANCES, VOLUMES, SNAPSHOTS, DB_INSTANCES, DB_CLUSTERS, TABLES, DESCRIBE_TABLE,
         FUNCTIONS, FILE_SYSTEMS, QUEUES, QUEUE_ATTRIBUTES, TOPICS, TOPIC_ATTRIBUTES, KEYS, DESCRIBE_KEY, GD_LIST, GD_GET,
         HUB, MACIE, INSPECTOR, DETECTIVE)
