"""Rows of the Microsoft 365 tables as the connector hands them over (see ``inventory.rows``)."""

from typing import TYPE_CHECKING

from connectors.m365 import models
from inventory.rows import row_type

if TYPE_CHECKING:  # a type checker sees each row type as its table (see inventory.rows)
    from connectors.m365.models import M365Channel, M365Drive, M365Mailbox, M365Site, M365Team, M365Tenant, M365User, M365UserActivity
else:
    M365Tenant = row_type(models.M365Tenant)
    M365User = row_type(models.M365User)
    M365Team = row_type(models.M365Team)
    M365Channel = row_type(models.M365Channel)
    M365Site = row_type(models.M365Site)
    M365Drive = row_type(models.M365Drive)
    M365Mailbox = row_type(models.M365Mailbox)
    M365UserActivity = row_type(models.M365UserActivity)
