"""The words every floor shares: statuses, severities, classifications and the strict base model."""

from typing import Literal

from pydantic import BaseModel, ConfigDict

STATUSES = ("pass", "fail", "transition", "explained", "manual", "not_applicable", "error")
SEVERITIES: tuple[str, ...] = ("critical", "high", "medium", "low", "info")
Severity = Literal[SEVERITIES]  # type: ignore[valid-type]
CLASSIFICATIONS = (
    "openbaar", "intern", "persoonsgegevens", "bijzondere-persoonsgegevens", "basisregistratie-bron",
    "basisregistratie-afnemer", "tbb1", "tbb2", "tbb3", "staatsgeheim",
)
Classification = Literal[CLASSIFICATIONS]  # type: ignore[valid-type]


class Strict(BaseModel):
    """Unknown keys are errors: a typo must not silently weaken a scan."""

    model_config = ConfigDict(extra="forbid")
