"""Azure: subscriptions, Resource Graph inventory, encryption details, Defender plans, allowed locations."""

from connectors.azure import collect as c
from connectors.azure.config import AzureConfig
from connectors.base import Call, Manifest

MANIFEST = Manifest(
    provider="azure", config=AzureConfig, connector="connectors.azure.collect:AzureConnector",
    calls=(
        Call("accounts", c.LIST_SUBSCRIPTIONS, c.LIST_SUBSCRIPTIONS),
        Call("inventory", c.QUERY_GRAPH, c.QUERY_GRAPH),
        Call("security_services", c.QUERY_GRAPH, c.QUERY_GRAPH),
        Call("inventory", c.LIST_RESOURCES, c.LIST_RESOURCES),
        Call("inventory", c.READ_TDE, c.READ_TDE),
        Call("inventory", c.READ_PROTECTOR, c.READ_PROTECTOR),
        Call("security_services", c.READ_PRICINGS, c.READ_PRICINGS),
        Call("azure.policy", c.READ_ASSIGNMENTS, c.READ_ASSIGNMENTS),
        Call("azure.policy", c.READ_POLICY_SETS, c.READ_POLICY_SETS),
    ),
)
