"""The [[azure]] config table."""

from typing import Literal

from pydantic import Field

from connectors.config import Endpoint, Limit, MicrosoftCredential, SourceConfig, concurrency


class AzureConfig(SourceConfig, MicrosoftCredential):
    """One Azure tenant: its subscriptions through ARM and Resource Graph."""

    subscriptions: list[str] = Field(default_factory=lambda: ["*"], min_length=1)
    management_group: str | None = None
    arm_endpoint: Endpoint = "https://management.azure.com"
    concurrency: dict[Literal["sql"], Limit] = concurrency()  # per subscription
