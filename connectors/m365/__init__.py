"""Microsoft 365: tenant, licences, Teams, SharePoint, OneDrive, Exchange Online and hybrid (msgraph-sdk)."""

from connectors.base import Manifest
from connectors.m365 import models
from connectors.m365.calls import CALLS
from connectors.m365.config import M365Config

MANIFEST = Manifest(
    provider="m365", config=M365Config, connector="connectors.m365.collect:M365Connector", calls=CALLS,
    tables=(models.M365Tenant, models.M365User, models.M365Team, models.M365Channel, models.M365Site,
            models.M365Drive, models.M365Mailbox, models.M365UserActivity),
)
