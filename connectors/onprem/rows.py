"""Rows of the on-premises table as the connector hands them over (see ``inventory.rows``)."""

from connectors.onprem import models
from inventory.rows import row_type

OnpremEndpoint = row_type(models.OnpremEndpoint)
