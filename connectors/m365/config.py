"""The [[m365]] config table."""

from pydantic import Field

from connectors.config import Endpoint, MicrosoftCredential, SourceConfig


class M365Config(SourceConfig, MicrosoftCredential):
    """One Microsoft 365 tenant, read app-only through Microsoft Graph."""

    graph_endpoint: Endpoint = "https://graph.microsoft.com"
    exchange_admin_api: bool = Field(default=False, description="also call the undocumented Exchange Online admin endpoint")
    exchange_endpoint: Endpoint = "https://outlook.office365.com"
    report_period: str = Field(default="D30", pattern="^D(7|30|90|180)$")
    max_concurrency: int = Field(default=4, ge=1, le=16)
