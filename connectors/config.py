"""Config models shared by several connectors."""

from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, ConfigDict, Field, ValidationInfo, model_validator

from connectors.base import check_endpoint
from inventory.messages import Invalid
from inventory.vocabulary import Strict


def check_https(url: str) -> str:
    """Accept only https URLs (sign-in authorities: credentials travel over them). Raises ValueError."""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise Invalid("config.https", url=url)
    return url.rstrip("/")


def check_file(path: str, info: ValidationInfo) -> str:
    """An existing file; a relative path is relative to the config file (validation context ``base``)."""
    resolved = Path(info.context.get("base", ".") if info.context else ".") / path
    if not resolved.is_file():
        raise Invalid("config.file_missing", path=resolved)
    return str(resolved)


Endpoint = Annotated[str, AfterValidator(check_endpoint)]
HttpsUrl = Annotated[str, AfterValidator(check_https)]
ExistingFile = Annotated[str, AfterValidator(check_file)]


class StrictConfig(Strict):
    """Config values keep their TOML type: ``"yes"`` is no boolean and ``"8"`` no number."""

    model_config = ConfigDict(extra="forbid", strict=True)


class SourceConfig(StrictConfig):
    """Every source table has a unique, human-chosen name, and may set its own number of workers."""

    name: str
    max_workers: int | None = Field(default=None, ge=1, le=64, description="overrides [scan] max_workers for this source")


Limit = Annotated[int, Field(ge=1, le=256)]  # calls in flight


def concurrency():
    """The ``concurrency`` option of a source table, e.g. ``{s3 = 32}``: per-item calls in flight per service
    (the service part of the call names, ``s3`` of ``s3:GetBucketEncryption``) and place; default max_workers."""
    return Field(default_factory=dict, description="per-item calls in flight per service and place (default: max_workers)")


class MicrosoftCredential(StrictConfig):
    """How an Entra ID app authenticates (shared by [[m365]] and [[azure]]). Secrets stay out of the file."""

    tenant_id: str
    credential: Literal["default", "client_secret", "certificate", "token"] = "default"
    client_id: str | None = None
    client_secret_env: str | None = None
    certificate_path: str | None = None
    token_env: str | None = None
    authority: HttpsUrl | None = None

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
            raise Invalid("config.credential_needs", credential=self.credential, fields=", ".join(missing))
        return self
