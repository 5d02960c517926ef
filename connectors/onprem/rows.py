"""Rows of the on-premises table as the connector hands them over (see ``inventory.rows``)."""

from typing import TYPE_CHECKING

from connectors.onprem import models
from inventory.rows import row_type

if TYPE_CHECKING:  # a type checker sees each row type as its table (see inventory.rows)
    from connectors.onprem.models import OnpremEndpoint
else:
    OnpremEndpoint = row_type(models.OnpremEndpoint)
