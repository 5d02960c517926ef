"""The [[m365]] config table."""

from typing import Literal

from pydantic import Field, model_validator

from connectors.config import Endpoint, Limit, MicrosoftCredential, SourceConfig, concurrency
from inventory.messages import Invalid


class M365Config(SourceConfig, MicrosoftCredential):
    """One Microsoft 365 tenant, read app-only through Microsoft Graph."""

    graph_endpoint: Endpoint = "https://graph.microsoft.com"
    exchange_admin_api: bool = Field(default=False, description="also call the undocumented Exchange Online admin endpoint")
    exchange_endpoint: Endpoint = "https://outlook.office365.com"
    report_period: str = Field(default="D30", pattern="^D(7|30|90|180)$")
    concurrency: dict[Literal["graph"], Limit] = concurrency()  # Graph requests in flight

    @model_validator(mode="before")
    @classmethod
    def _renamed(cls, data):
        if isinstance(data, dict) and "max_concurrency" in data:
            raise Invalid("config.max_concurrency")
        return data
