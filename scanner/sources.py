"""Which connector serves which config table, and the connector-specific tables."""

import importlib
import importlib.util

from connectors.base import Connector, ScanContext

CONNECTORS = {
    "aws": "connectors.aws.collect:AwsConnector",
    "m365": "connectors.m365.collect:M365Connector",
    "azure": "connectors.azure.collect:AzureConnector",
    "gcp": "connectors.gcp.collect:GcpConnector",
    "onprem": "connectors.onprem.collect:OnpremConnector",
}

for _provider in CONNECTORS:  # connector tables join the metadata before the schema is created
    if importlib.util.find_spec(f"connectors.{_provider}.models"):
        importlib.import_module(f"connectors.{_provider}.models")


def build_connector(provider: str, config, context: ScanContext) -> Connector:
    module, _, name = CONNECTORS[provider].partition(":")
    return getattr(importlib.import_module(module), name)(config, context)
