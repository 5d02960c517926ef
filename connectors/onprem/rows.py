"""Rows of the on-premises table as the connector hands them over (see ``scanner.rows``)."""

from connectors.onprem import models
from scanner.rows import row_type

OnpremEndpoint = row_type(models.OnpremEndpoint)
