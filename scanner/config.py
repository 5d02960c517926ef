"""The scanner configuration (TOML). Every key is shown in config.example.toml."""

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, create_model, field_validator
from sqlalchemy import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from connectors.config import StrictConfig
from connectors.registry import MANIFESTS
from inventory.errors import UserError, read_toml
from inventory.messages import Invalid

PACKS = ("jenv-aenm-2025", "rijksbreed-2022", "rijksbreed-2026")


class Organisation(StrictConfig):
    name: str = "organisatie"
    profile: Literal["ministry", "critical", "essential"] = Field(
        default="ministry", description="critical/essential entity (Wwke / Cyberbeveiligingswet) or plain ministry")


class ScanOptions(StrictConfig):
    deadline_minutes: float = Field(default=120, gt=0, description="stop waiting for throttled APIs after this")
    max_workers: int = Field(default=8, ge=1, le=64)
    busy_timeout_seconds: float = Field(default=60, gt=0, le=3600,
                                        description="how long a write waits for another connection's lock on a SQLite file")
    connect_timeout_seconds: float = Field(default=10, gt=0, le=300, description="connect timeout of every API request")
    read_timeout_seconds: float = Field(default=60, gt=0, le=3600, description="read timeout of every API request")


def check_database(url: str) -> str:
    """A SQLAlchemy URL whose dialect and driver are installed. Raises ValueError."""
    try:
        dialect = make_url(url).get_dialect()
        dialect.import_dbapi()
    except NoSuchModuleError:
        raise Invalid("config.database_kind", kind=url.split(":")[0]) from None
    except (ArgumentError, ValueError):
        raise Invalid("config.database_url", url=url) from None
    except ImportError as exc:
        raise Invalid("config.database_driver", driver=exc.name, kind=url.split(":")[0]) from None
    return url


class Settings(StrictConfig):
    """Everything but the source tables."""

    database: str = "sqlite:///wolkenwacht.db"
    register_path: Path | None = Field(default=None, alias="register", description="the register file", strict=False)
    packs: list[str] = Field(default_factory=lambda: list(PACKS))
    classification_tag: str = "classification"
    transition_due_soon_days: int = Field(default=365, ge=0, description="horizon for a 'due soon' transition")
    organisation: Organisation = Field(default_factory=Organisation)
    scan: ScanOptions = Field(default_factory=ScanOptions)

    @field_validator("database")
    @classmethod
    def _database(cls, url: str) -> str:
        return check_database(url)

    @field_validator("packs")
    @classmethod
    def _known_packs(cls, packs: list[str]) -> list[str]:
        unknown = sorted(set(packs) - set(PACKS))
        if unknown:
            raise Invalid("config.unknown_pack", pack=unknown[0], packs=", ".join(PACKS))
        return packs

    def sources(self) -> list[tuple[str, BaseModel]]:
        """Every configured source table with its provider, in the registry's order."""
        return [(provider, source) for provider in MANIFESTS for source in getattr(self, provider)]


Config = create_model(  # one list of tables per registered source: [[aws]], [[m365]], ...
    "Config", __base__=Settings, __doc__="The whole configuration file.",
    **{provider: (list[m.config], Field(default_factory=list)) for provider, m in MANIFESTS.items()},
)


def load_config(path: Path) -> Config:
    """Read and validate the config; relative paths in it are relative to the file."""
    config, _ = read_toml(path, Config)
    names = [source.name for _, source in config.sources()]
    duplicate = next((n for n in names if names.count(n) > 1), None)
    if duplicate:
        raise UserError("config.duplicate_name", path=path, name=duplicate)
    if config.register_path and not config.register_path.is_absolute():
        config.register_path = path.parent / config.register_path
    if config.database.startswith("sqlite:///") and not config.database.startswith("sqlite:////"):
        db_path = Path(config.database.removeprefix("sqlite:///"))
        config.database = f"sqlite:///{(path.parent / db_path).resolve()}"
    return config
