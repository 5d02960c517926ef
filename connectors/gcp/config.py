"""The [[gcp]] config table."""

from typing import Literal

from pydantic import Field, model_validator

from connectors.config import Endpoint, Limit, SourceConfig, concurrency
from inventory.messages import Invalid


class GcpConfig(SourceConfig):
    """One GCP scope read through Cloud Asset Inventory."""

    scope: str = Field(pattern=r"^(organizations/\d+|folders/\d+|projects/[a-z0-9-]+)$")
    credential: Literal["default", "service_account_file", "token"] = "default"
    service_account_file: str | None = None
    token_env: str | None = None
    asset_endpoint: Endpoint | None = None
    orgpolicy_endpoint: Endpoint | None = None
    concurrency: dict[Literal["cloudasset", "orgpolicy"], Limit] = concurrency()  # per-project calls

    @model_validator(mode="after")
    def _fields_for_credential(self):
        if self.credential == "service_account_file" and not self.service_account_file:
            raise Invalid("config.gcp_key_file")
        if self.credential == "token" and not self.token_env:
            raise Invalid("config.gcp_token")
        return self
