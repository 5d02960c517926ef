"""Microsoft 365: tenant, licences, Teams, SharePoint, OneDrive, Exchange Online and hybrid (msgraph-sdk)."""

from connectors.base import Call, Manifest
from connectors.m365 import models
from connectors.m365.calls import CALLS, EXO_CALLS
from connectors.m365.config import M365Config

MANIFEST = Manifest(
    provider="m365", config=M365Config, connector="connectors.m365.collect:M365Connector",
    calls=tuple(Call(spec.area, name, spec.permission) for name, spec in {**CALLS, **EXO_CALLS}.items()),
    tables=(models.M365Tenant, models.M365User, models.M365Team, models.M365Channel, models.M365Site,
            models.M365Drive, models.M365Mailbox, models.M365UserActivity),
)
