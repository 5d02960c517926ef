"""The demo's AWS estate, created in moto server: compliant and non-compliant resources of a
fictional ministry across EEA, non-EEA and China regions."""

import boto3


def _client(service: str, region: str, endpoint: str):
    return boto3.client(service, region_name=region, endpoint_url=endpoint)


def _bucket(endpoint: str, name: str, region: str, classification: str, encryption: dict | None) -> None:
    s3 = _client("s3", region, endpoint)
    if region == "us-east-1":
        s3.create_bucket(Bucket=name)
    else:
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
    s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": "classification", "Value": classification}]})
    if encryption:
        s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": encryption}]})


def build_aws_estate(endpoint: str) -> None:
    """Create the demo resources through the AWS APIs of the emulator."""
    key = _client("kms", "eu-west-1", endpoint).create_key(Description="MinBiWa zaakdata")["KeyMetadata"]["Arn"]
    _bucket(endpoint, "minbiwa-zaken-eu", "eu-west-1", "persoonsgegevens", {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key})
    _bucket(endpoint, "minbiwa-gezondheid", "eu-west-1", "bijzondere-persoonsgegevens", {"SSEAlgorithm": "AES256"})
    _bucket(endpoint, "minbiwa-archief", "eu-central-1", "intern", None)
    _bucket(endpoint, "minbiwa-publicaties-us", "us-east-1", "openbaar", None)
    _bucket(endpoint, "minbiwa-analytics-us", "us-east-1", "persoonsgegevens", {"SSEAlgorithm": "AES256"})
    tags = lambda value: [{"ResourceType": "volume", "Tags": [{"Key": "classification", "Value": value}]}]  # noqa: E731
    _client("ec2", "eu-central-1", endpoint).create_volume(
        AvailabilityZone="eu-central-1a", Size=20, Encrypted=False, TagSpecifications=tags("staatsgeheim"))
    _client("ec2", "eu-west-1", endpoint).create_volume(
        AvailabilityZone="eu-west-1a", Size=50, Encrypted=True, TagSpecifications=tags("intern"))
    _client("ec2", "cn-north-1", endpoint).create_volume(
        AvailabilityZone="cn-north-1a", Size=10, Encrypted=True, TagSpecifications=tags("intern"))
    hk = _client("ec2", "ap-east-1", endpoint)
    image = hk.register_image(Name="minbiwa-base", RootDeviceName="/dev/xvda", Architecture="x86_64")["ImageId"]
    hk.run_instances(ImageId=image, MinCount=1, MaxCount=1, InstanceType="t3.micro")
    _client("dynamodb", "eu-west-1", endpoint).create_table(
        TableName="minbiwa-brp-kopie", BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "bsn", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "bsn", "KeyType": "HASH"}],
        Tags=[{"Key": "classification", "Value": "basisregistratie-bron"}])
    _client("rds", "eu-west-1", endpoint).create_db_instance(
        DBInstanceIdentifier="minbiwa-subsidies", Engine="postgres", DBInstanceClass="db.t3.micro",
        MasterUsername="vbz", MasterUserPassword="demo-only-password", AllocatedStorage=20,
        StorageEncrypted=False, Tags=[{"Key": "classification", "Value": "persoonsgegevens"}])
    _client("guardduty", "eu-west-1", endpoint).create_detector(Enable=True)
