"""AWS: Organizations accounts, resources per region, CSP-native security services (boto3)."""

from connectors.aws import accounts, inventory, security
from connectors.aws.collect import CALLS
from connectors.aws.config import AwsConfig
from connectors.base import Call, Manifest

_AREAS = {**{c.name: "accounts" for c in (accounts.IDENTITY, accounts.ASSUME, accounts.LIST_ACCOUNTS,
                                          accounts.DESCRIBE_REGIONS)},
          **{c.name: security.AREA for check in security.CHECKS for c in check.calls}}

MANIFEST = Manifest(
    provider="aws", config=AwsConfig, connector="connectors.aws.collect:AwsConnector",
    calls=tuple(Call(_AREAS.get(c.name, inventory.AREA), c.name, c.permission) for c in CALLS),
)
