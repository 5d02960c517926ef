"""The scanner configuration (TOML). Every key is shown in config.example.toml."""

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator

from connectors.aws.config import AwsConfig
from connectors.azure.config import AzureConfig
from connectors.config import Strict
from connectors.gcp.config import GcpConfig
from connectors.m365.config import M365Config
from connectors.onprem.config import OnpremConfig
from scanner.errors import UserError, read_toml

PACKS = ("jenv-aenm-2025", "rijksbreed-2022", "rijksbreed-2026")


class Organisation(Strict):
    name: str = "organisatie"
    profile: Literal["ministry", "critical", "essential"] = Field(
        default="ministry", description="critical/essential entity (Wwke / Cyberbeveiligingswet) or plain ministry")


class ScanOptions(Strict):
    deadline_minutes: float = Field(default=120, gt=0, description="stop waiting for throttled APIs after this")
    max_workers: int = Field(default=8, ge=1, le=64)


class Config(Strict):
    database: str = "sqlite:///wolkenwacht.db"
    register_path: Path | None = Field(default=None, alias="register", description="the register file")
    packs: list[str] = Field(default_factory=lambda: list(PACKS))
    classification_tag: str = "classification"
    organisation: Organisation = Field(default_factory=Organisation)
    scan: ScanOptions = Field(default_factory=ScanOptions)
    aws: list[AwsConfig] = Field(default_factory=list)
    m365: list[M365Config] = Field(default_factory=list)
    azure: list[AzureConfig] = Field(default_factory=list)
    gcp: list[GcpConfig] = Field(default_factory=list)
    onprem: list[OnpremConfig] = Field(default_factory=list)

    @field_validator("packs")
    @classmethod
    def _known_packs(cls, packs: list[str]) -> list[str]:
        unknown = sorted(set(packs) - set(PACKS))
        if unknown:
            raise ValueError(f"unknown pack {unknown[0]!r}; choose from {', '.join(PACKS)}")
        return packs

    def sources(self) -> list:
        """Every configured source table, in a stable order."""
        return [*self.aws, *self.m365, *self.azure, *self.gcp, *self.onprem]


def load_config(path: Path) -> Config:
    """Read and validate the config; relative paths in it are relative to the file."""
    config, _ = read_toml(path, Config)
    names = [source.name for source in config.sources()]
    duplicate = next((n for n in names if names.count(n) > 1), None)
    if duplicate:
        raise UserError(f"{path}: name: {duplicate!r} is used by more than one source table")
    if config.register_path and not config.register_path.is_absolute():
        config.register_path = path.parent / config.register_path
    if config.database.startswith("sqlite:///") and not config.database.startswith("sqlite:////"):
        db_path = Path(config.database.removeprefix("sqlite:///"))
        config.database = f"sqlite:///{(path.parent / db_path).resolve()}"
    return config
