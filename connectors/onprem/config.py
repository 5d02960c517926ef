"""The [[onprem]] config table."""

from typing import Annotated

from pydantic import AfterValidator, Field

from connectors.base import check_endpoint
from connectors.config import ExistingFile, SourceConfig


def _onprem_url(url: str) -> str:
    """https, or plain http to a loopback host only; kept as configured (a trailing slash matters to OWA)."""
    check_endpoint(url)
    return url


OnpremUrl = Annotated[str, AfterValidator(_onprem_url)]


class OnpremConfig(SourceConfig):
    """On-premises Exchange and SharePoint endpoints whose announced build is read."""

    exchange_urls: list[OnpremUrl] = Field(default_factory=list)
    sharepoint_urls: list[OnpremUrl] = Field(default_factory=list)
    ca_bundle: ExistingFile | None = None
    verify_tls: bool = True
    timeout_seconds: float = Field(default=15, gt=0)
