"""Azure: subscriptions, Resource Graph inventory, encryption details, Defender plans, allowed locations."""

from connectors.azure.calls import CALLS
from connectors.azure.config import AzureConfig
from connectors.base import Manifest

MANIFEST = Manifest(provider="azure", config=AzureConfig, connector="connectors.azure.collect:AzureConnector", calls=CALLS)
