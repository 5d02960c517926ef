"""On-premises Exchange and SharePoint: the version each configured HTTPS endpoint announces."""

from connectors.base import Call, Manifest
from connectors.onprem import models
from connectors.onprem.config import OnpremConfig

ANONYMOUS = "anonymous HTTPS GET of the configured URLs (no credentials)"

MANIFEST = Manifest(
    provider="onprem", config=OnpremConfig, connector="connectors.onprem.collect:OnpremConnector",
    calls=(Call("onprem.exchange", "http:GET exchange", ANONYMOUS),
           Call("onprem.sharepoint", "http:GET sharepoint", ANONYMOUS)),
    tables=(models.OnpremEndpoint,),
)
