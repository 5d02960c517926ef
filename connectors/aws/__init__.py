"""AWS: Organizations accounts, resources per region, CSP-native security services (boto3)."""

from connectors.aws.calls import CALLS
from connectors.aws.config import AwsConfig
from connectors.base import Manifest

MANIFEST = Manifest(provider="aws", config=AwsConfig, connector="connectors.aws.collect:AwsConnector", calls=CALLS)
