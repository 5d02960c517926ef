"""Rows of the Microsoft 365 tables as the connector hands them over (see ``inventory.rows``)."""

from connectors.m365 import models
from inventory.rows import row_type

M365Tenant = row_type(models.M365Tenant)
M365User = row_type(models.M365User)
M365Team = row_type(models.M365Team)
M365Channel = row_type(models.M365Channel)
M365Site = row_type(models.M365Site)
M365Drive = row_type(models.M365Drive)
M365Mailbox = row_type(models.M365Mailbox)
M365UserActivity = row_type(models.M365UserActivity)
