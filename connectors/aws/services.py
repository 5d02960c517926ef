"""Per-service resource collection, declared as data (list call, item path, id, detail calls, encryption).

A :class:`ResourceSpec` says how to list one resource type and how to read its fields from the
listed item after the detail calls have been merged into it. ``inventory.py`` runs the specs;
nothing here calls an API.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import jmespath

from connectors.aws import calls as c
from connectors.aws.session import Scope
from connectors.base import Call

Encryption = tuple[bool | None, str | None]  # (encrypted at rest, key id) ; None = not observed / not applicable


@dataclass(frozen=True)
class Detail:
    """A per-item call whose answer is stored in the item under ``into`` (or merged from ``result``)."""

    call: Call
    params: Callable[[dict], dict]
    into: str | None = None  # store the whole answer under this key
    result: str | None = None  # or merge the dict at this JMESPath into the item
    absent: tuple[str, ...] = ()  # error codes meaning "nothing configured": stored as {} and not an error
    expect: tuple[str, ...] = ()  # keys a valid answer has (besides the first key of ``result``)


@dataclass(frozen=True)
class ResourceSpec:
    """How to collect one resource type in one region (or once per account when ``scope='global'``)."""

    type: str
    list: Call
    items: str  # JMESPath over each page
    uid: Callable[[dict, Scope], str]
    stores_data: bool
    list_params: dict = field(default_factory=dict)
    item_key: str | None = None  # wrap scalar list items (names, URLs) as {item_key: value}
    details: tuple[Detail, ...] = ()
    name: str | None = None  # JMESPath
    created: str | None = None  # JMESPath
    tags: str | None = None  # JMESPath to a [{Key, Value}] list; None = tags from the Tagging API
    encryption: Callable[[dict], Encryption] = lambda item: (None, None)
    region: Callable[[dict], str | None] | None = None  # the item's own region (global listings)
    owner: str | None = None  # field naming the owning account: items of other accounts are left out
    optional: bool = False  # the list answer leaves the result key out when there is nothing (SQS ListQueues)
    scope: str = "regional"


def flag(encrypted: str, key: str) -> Callable[[dict], Encryption]:
    """Encryption from a boolean field and a key field of the item."""

    def read(item: dict) -> Encryption:
        if encrypted not in item:
            return None, None
        on = bool(item[encrypted])
        return on, (item.get(key) if on else None)

    return read


def s3_encryption(bucket: dict) -> Encryption:
    """No default-encryption configuration means not encrypted (S3 answers ...NotFoundError)."""
    if "Encryption" not in bucket:
        return None, None
    rules = jmespath.search("ServerSideEncryptionConfiguration.Rules[].ApplyServerSideEncryptionByDefault",
                            bucket["Encryption"]) or []
    if not rules:
        return False, None
    rule = rules[0]
    return True, (rule.get("KMSMasterKeyID") if rule.get("SSEAlgorithm", "").startswith("aws:kms") else None)


def s3_region(bucket: dict) -> str | None:
    """GetBucketLocation: empty/None means us-east-1, the legacy 'EU' means eu-west-1."""
    if "Location" not in bucket:
        return (bucket.get("BucketRegion") or "").lower() or None
    constraint = bucket["Location"].get("LocationConstraint")
    return {None: "us-east-1", "": "us-east-1", "EU": "eu-west-1"}.get(constraint, str(constraint).lower())


def dynamodb_encryption(table: dict) -> Encryption:
    """SSEDescription is absent for the default AWS-owned key, which still encrypts."""
    if "TableArn" not in table:
        return None, None
    return True, (table.get("SSEDescription") or {}).get("KMSMasterKeyArn")


def sqs_encryption(queue: dict) -> Encryption:
    attributes = queue.get("Attributes")
    if attributes is None:
        return None, None
    if attributes.get("KmsMasterKeyId"):
        return True, attributes["KmsMasterKeyId"]
    return attributes.get("SqsManagedSseEnabled") == "true", None


def sns_encryption(topic: dict) -> Encryption:
    attributes = topic.get("Attributes")
    if attributes is None:
        return None, None
    return bool(attributes.get("KmsMasterKeyId")), attributes.get("KmsMasterKeyId")


def arn(service: str, resource: str, with_account: bool = True) -> Callable[[dict, Scope], str]:
    """An ARN built from the scope and an item field template, e.g. arn('ec2', 'instance/{InstanceId}')."""

    def build(item: dict, where: Scope) -> str:
        return (f"arn:{where.partition}:{service}:{where.region}:{where.account_id if with_account else ''}:"
                + resource.format(**item))

    return build


def field_or(name: str, fallback: Callable[[dict, Scope], str]) -> Callable[[dict, Scope], str]:
    return lambda item, where: item.get(name) or fallback(item, where)


def sqs_uid(queue: dict, where: Scope) -> str:
    """QueueArn, or the ARN built from the queue URL's last segment when GetQueueAttributes failed."""
    name = queue["QueueUrl"].rsplit("/", 1)[-1]
    fallback = f"arn:{where.partition}:sqs:{where.region}:{where.account_id}:{name}"
    return (queue.get("Attributes") or {}).get("QueueArn") or fallback


SPECS: tuple[ResourceSpec, ...] = (
    ResourceSpec(
        type="s3.bucket", list=c.LIST_BUCKETS, items="Buckets[]", scope="global",
        uid=lambda item, where: f"arn:{where.partition}:s3:::{item['Name']}", stores_data=True,
        details=(
            Detail(c.BUCKET_LOCATION, lambda b: {"Bucket": b["Name"]},
                   into="Location", expect=("LocationConstraint",)),
            Detail(c.BUCKET_ENCRYPTION, lambda b: {"Bucket": b["Name"]},
                   into="Encryption", absent=("ServerSideEncryptionConfigurationNotFoundError",),
                   expect=("ServerSideEncryptionConfiguration",)),
            Detail(c.BUCKET_TAGGING, lambda b: {"Bucket": b["Name"]},
                   into="Tagging", absent=("NoSuchTagSet",), expect=("TagSet",)),
        ),
        name="Name", created="CreationDate", tags="Tagging.TagSet", encryption=s3_encryption, region=s3_region),
    ResourceSpec(
        type="ec2.instance", list=c.INSTANCES,
        items="Reservations[].Instances[]", uid=arn("ec2", "instance/{InstanceId}"), stores_data=False,
        name="not_null(Tags[?Key=='Name'].Value | [0], InstanceId)", created="LaunchTime", tags="Tags"),
    ResourceSpec(
        type="ec2.volume", list=c.VOLUMES, items="Volumes[]",
        uid=arn("ec2", "volume/{VolumeId}"), stores_data=True,
        name="not_null(Tags[?Key=='Name'].Value | [0], VolumeId)", created="CreateTime", tags="Tags",
        encryption=flag("Encrypted", "KmsKeyId")),
    ResourceSpec(
        type="ec2.snapshot", list=c.SNAPSHOTS, items="Snapshots[]",
        list_params={"OwnerIds": ["self"]}, owner="OwnerId", uid=arn("ec2", "snapshot/{SnapshotId}", with_account=False),
        stores_data=True, name="not_null(Tags[?Key=='Name'].Value | [0], SnapshotId)", created="StartTime", tags="Tags",
        encryption=flag("Encrypted", "KmsKeyId")),
    ResourceSpec(
        type="rds.db_instance", list=c.DB_INSTANCES,
        items="DBInstances[]", uid=field_or("DBInstanceArn", arn("rds", "db:{DBInstanceIdentifier}")),
        stores_data=True, name="DBInstanceIdentifier", created="InstanceCreateTime", tags="TagList",
        encryption=flag("StorageEncrypted", "KmsKeyId")),
    ResourceSpec(
        type="rds.db_cluster", list=c.DB_CLUSTERS,
        items="DBClusters[]", uid=field_or("DBClusterArn", arn("rds", "cluster:{DBClusterIdentifier}")),
        stores_data=True, name="DBClusterIdentifier", created="ClusterCreateTime", tags="TagList",
        encryption=flag("StorageEncrypted", "KmsKeyId")),
    ResourceSpec(
        type="dynamodb.table", list=c.TABLES, items="TableNames[]",
        item_key="TableName", uid=field_or("TableArn", arn("dynamodb", "table/{TableName}")), stores_data=True,
        details=(Detail(c.DESCRIBE_TABLE,
                        lambda t: {"TableName": t["TableName"]}, result="Table"),),
        name="TableName", created="CreationDateTime", encryption=dynamodb_encryption),
    ResourceSpec(
        type="lambda.function", list=c.FUNCTIONS, items="Functions[]",
        uid=field_or("FunctionArn", arn("lambda", "function:{FunctionName}")), stores_data=False,
        name="FunctionName"),
    ResourceSpec(
        type="efs.file_system", list=c.FILE_SYSTEMS,
        items="FileSystems[]", uid=field_or("FileSystemArn", arn("elasticfilesystem", "file-system/{FileSystemId}")),
        stores_data=True, name="Name || FileSystemId", created="CreationTime", tags="Tags",
        encryption=flag("Encrypted", "KmsKeyId")),
    ResourceSpec(
        type="sqs.queue", list=c.QUEUES, items="QueueUrls[]", item_key="QueueUrl", optional=True,
        uid=sqs_uid,
        stores_data=True,
        details=(Detail(c.QUEUE_ATTRIBUTES,
                        lambda q: {"QueueUrl": q["QueueUrl"], "AttributeNames": ["All"]}, into="Attributes",
                        result="Attributes"),),
        created="Attributes.CreatedTimestamp", encryption=sqs_encryption),
    ResourceSpec(
        type="sns.topic", list=c.TOPICS, items="Topics[]",
        uid=lambda t, where: t["TopicArn"], stores_data=True,
        details=(Detail(c.TOPIC_ATTRIBUTES,
                        lambda t: {"TopicArn": t["TopicArn"]}, into="Attributes", result="Attributes"),),
        encryption=sns_encryption),
    ResourceSpec(
        type="kms.key", list=c.KEYS, items="Keys[]",
        uid=field_or("KeyArn", arn("kms", "key/{KeyId}")), stores_data=False,
        details=(Detail(c.DESCRIBE_KEY, lambda k: {"KeyId": k["KeyId"]}, result="KeyMetadata"),),
        name="KeyId", created="CreationDate", encryption=lambda key: (None, key.get("Arn") or key.get("KeyArn"))),
)

KMS_SPEC = next(spec for spec in SPECS if spec.type == "kms.key")


def key_custody(encrypted: bool | None, key_id: str | None, keys: dict[str, dict], blind: bool = False) -> str | None:
    """provider | customer | external | none, from the key's KeyManager and Origin when we collected it.

    ``blind``: the KMS calls of the key's own account and region failed, so a key we did not see is
    unknown (None), not ``customer``; a key of another account (never visible to us) is ``customer``.
    """
    if encrypted is False:
        return "none"
    if key_id:
        meta = keys.get(key_id.rsplit("/", 1)[-1])
        if meta:
            if meta.get("Origin") in ("EXTERNAL_KEY_STORE", "EXTERNAL"):
                return "external"
            return "provider" if meta.get("KeyManager") == "AWS" else "customer"
        if "alias/aws/" in key_id:
            return "provider"
        return None if blind else "customer"
    return "provider" if encrypted else None


def kms_blind(key_id: str | None, scope: Scope, unobserved: set[str]) -> bool:
    """Whether ``key_id`` lives in this account in a region whose KMS calls failed (``unobserved``)."""
    parts = (key_id or "").split(":")
    if len(parts) >= 6:  # an ARN: arn:partition:kms:region:account:key/id
        return parts[4] == scope.account_id and parts[3] in unobserved
    return scope.region in unobserved
