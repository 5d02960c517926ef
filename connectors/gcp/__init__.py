"""GCP: projects, Cloud Asset inventory, the resource-locations org policy, Security Command Center."""

from connectors.base import Call, Manifest
from connectors.gcp import collect as c
from connectors.gcp.config import GcpConfig

MANIFEST = Manifest(
    provider="gcp", config=GcpConfig, connector="connectors.gcp.collect:GcpConnector",
    calls=(
        Call("accounts", c.SEARCH, c.CALL_PERMISSIONS[c.SEARCH]),
        Call("inventory", c.SEARCH, c.CALL_PERMISSIONS[c.SEARCH]),
        Call("inventory", c.LIST, c.CALL_PERMISSIONS[c.LIST]),
        Call("gcp.orgpolicy", c.POLICY, c.CALL_PERMISSIONS[c.POLICY]),
        Call("security_services", c.SEARCH, c.CALL_PERMISSIONS[c.SEARCH]),
    ),
)
