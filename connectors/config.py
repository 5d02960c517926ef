"""Config models shared by several connectors."""

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from connectors.base import check_endpoint
from inventory.vocabulary import Strict

Endpoint = Annotated[str, AfterValidator(check_endpoint)]


class SourceConfig(Strict):
    """Every source table has a unique, human-chosen name, and may set its own number of workers."""

    name: str
    max_workers: int | None = Field(default=None, ge=1, le=64, description="overrides [scan] max_workers for this source")


class MicrosoftCredential(Strict):
    """How an Entra ID app authenticates (shared by [[m365]] and [[azure]]). Secrets stay out of the file."""

    tenant_id: str
    credential: Literal["default", "client_secret", "certificate", "token"] = "default"
    client_id: str | None = None
    client_secret_env: str | None = None
    certificate_path: str | None = None
    token_env: str | None = None
    authority: str | None = None

    @model_validator(mode="after")
    def _fields_for_credential(self):
        needed = {
            "client_secret": ("client_id", "client_secret_env"),
            "certificate": ("client_id", "certificate_path"),
            "token": ("token_env",),
            "default": (),
        }[self.credential]
        missing = [name for name in needed if not getattr(self, name)]
        if missing:
            raise ValueError(f"credential = {self.credential!r} needs {', '.join(missing)}")
        return self
