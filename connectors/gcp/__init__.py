"""GCP: projects, Cloud Asset inventory, the resource-locations org policy, Security Command Center."""

from connectors.base import Manifest
from connectors.gcp.calls import CALLS, QUOTA_PERMISSION
from connectors.gcp.config import GcpConfig

MANIFEST = Manifest(provider="gcp", config=GcpConfig, connector="connectors.gcp.collect:GcpConnector", calls=CALLS,
                    also_needs=(QUOTA_PERMISSION,))
