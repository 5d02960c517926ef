"""On-premises Exchange and SharePoint: the version each configured HTTPS endpoint announces."""

from connectors.base import Manifest
from connectors.onprem import models
from connectors.onprem.calls import CALLS
from connectors.onprem.config import OnpremConfig

MANIFEST = Manifest(provider="onprem", config=OnpremConfig, connector="connectors.onprem.collect:OnpremConnector",
                    calls=CALLS, tables=(models.OnpremEndpoint,))
