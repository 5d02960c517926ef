"""The [[onprem]] config table."""

from pydantic import Field

from connectors.config import SourceConfig


class OnpremConfig(SourceConfig):
    """On-premises Exchange and SharePoint endpoints whose announced build is read."""

    exchange_urls: list[str] = Field(default_factory=list)
    sharepoint_urls: list[str] = Field(default_factory=list)
    ca_bundle: str | None = None
    verify_tls: bool = True
    timeout_seconds: float = Field(default=15, gt=0)
