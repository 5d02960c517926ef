"""Policy packs and checks: loading and validating the data files under policies/.

A pack (``policies/packs/<id>.toml``) maps the requirements of one policy document to checks;
a check (``policies/checks/<id>.sql`` with a ``.toml`` sidecar) is SQL over the inventory that
returns one row per judged resource or account with the columns ``provider, account_id,
resource_id, status, message_key`` (optionally ``severity``); every other column is evidence, and the
columns named by the placeholders of its message templates (policies/messages/<id>.toml) its parameters. A check
``requires`` collection areas: a failed collection there makes its findings ``error``, so an
area no connector declares (a typo) would silently never do so: :func:`load_packs` refuses it.
"""

import hashlib
import re
from datetime import date
from functools import cache
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, model_validator

from inventory.errors import UserError, read_toml
from inventory.messages import Invalid
from inventory.vocabulary import Classification, Severity, Strict
from policies import CHECKS_DIR, PACKS_DIR


class Frozen(Strict):
    """Pack and check definitions are read once and never changed."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Check(Frozen):
    id: str
    description: str
    providers: tuple[str, ...]
    requires: tuple[str, ...] = ()
    control_fields: tuple[str, ...] = Field(default=(), description="fields of the control (pack_control) the SQL reads")
    sql: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.sql.encode("utf-8")).hexdigest()


Url = Annotated[str, Field(pattern=r"^https://[^\s\"<>]+$")]
Provider = Literal["aws", "azure", "gcp", "m365", "onprem"]


class ProviderRemediation(Frozen):
    """What differs for one provider: its own steps and documentation."""

    nl: str = Field(min_length=20)
    en: str = Field(min_length=20)
    links: tuple[Url, ...] = ()


class Remediation(Frozen):
    """What an admin does to comply, in Dutch and English, with per-provider steps and links to their documentation."""

    nl: str = Field(min_length=20)
    en: str = Field(min_length=20)
    links: tuple[Url, ...] = ()
    providers: dict[Provider, ProviderRemediation] = Field(default_factory=dict)


ExplainCondition = Literal["transfer_mechanism", "sent_to_cio_rijk", "advice_requested", "advised_on"]


class ExplainRoute(Frozen):
    """Whether the policy text lets a comply-or-explain entry ('pas toe of leg uit') cover the control."""

    allowed: bool
    basis: str = Field(min_length=10, description="the verbatim quote that allows it, or why the text gives no route")
    requires: tuple[ExplainCondition, ...] = Field(
        default=(), description="register_explain fields the route's conditions need recorded")

    @model_validator(mode="after")
    def _requires_only_with_route(self):
        if self.requires and not self.allowed:
            raise Invalid("packs.requires_allowed")
        return self


class Control(Frozen):
    id: str = Field(pattern=r"^[A-Z0-9]+(-[A-Z0-9]+)+$")
    title_nl: str = Field(min_length=5, max_length=150)
    title_en: str = Field(min_length=5, max_length=150)
    severity: Severity
    section: str
    quote: str = Field(min_length=10, description="verbatim Dutch text from the document")
    evaluates: str
    evidence: str
    checks: tuple[str, ...] = ()
    manual_nl: str | None = Field(default=None, min_length=10, description="how a person verifies it, in Dutch")
    manual_en: str | None = Field(default=None, min_length=10, description="how a person verifies it, in English")
    classifications: tuple[Classification, ...] = Field(
        default=(), description="classifications this control does not allow in public cloud")
    transition: bool = True
    remediation: Remediation
    transition_basis: str | None = Field(
        default=None, description="why the pack's transition period does or does not apply, cited (required in a "
                                  "pack with a transition)")
    explain: ExplainRoute

    @model_validator(mode="after")
    def _checks_or_manual(self):
        if (self.manual_nl is None) != (self.manual_en is None):
            raise Invalid("packs.manual_both", control=self.id)
        if not self.checks and not self.manual_en:
            raise Invalid("packs.needs_checks", control=self.id)
        return self


class Transition(Frozen):
    existing_before: date
    deadline: date


class PackInfo(Frozen):
    id: str
    title_nl: str
    title_en: str
    document: str
    source_file: str
    adopted: date
    transition: Transition | None = None


class Pack(Frozen):
    pack: PackInfo
    control: tuple[Control, ...]

    @model_validator(mode="after")
    def _transition_explicit(self):
        if self.pack.transition:
            for control in self.control:
                if "transition" not in control.model_fields_set or not control.transition_basis:
                    raise Invalid("packs.needs_transition", control=control.id)
        return self

    @property
    def id(self) -> str:
        return self.pack.id


@cache
def load_checks() -> dict[str, Check]:
    checks = {}
    for meta in sorted(CHECKS_DIR.glob("*.toml")):
        sql = meta.with_suffix(".sql").read_text(encoding="utf-8").strip().rstrip(";")
        checks[meta.stem], _ = read_toml(meta, Check, {"id": meta.stem, "sql": sql})
    return checks


def check_areas(checks: dict[str, Check], areas: frozenset[str]) -> None:
    """Every area a check requires is one the connectors declare; raises UserError naming the file."""
    for check_id, check in checks.items():
        unknown = sorted(set(check.requires) - areas)
        if unknown:
            raise UserError("packs.unknown_area", path=f"{CHECKS_DIR / check_id}.toml", area=unknown[0],
                            areas=", ".join(sorted(areas)))


@cache
def load_packs(areas: frozenset[str] | None = None) -> dict[str, Pack]:
    """Every pack, its checks resolved; with ``areas`` (those the connector manifests declare) the checks' requires are validated too."""
    checks = load_checks()
    if areas is not None:
        check_areas(checks, areas)
    packs = {}
    for path in sorted(PACKS_DIR.glob("*.toml")):
        pack, _ = read_toml(path, Pack)
        for control in pack.control:
            missing = [c for c in control.checks if c not in checks]
            if missing:
                raise UserError("packs.unknown_check", path=path, control=control.id, check=missing[0])
            unset = [(c, f) for c in control.checks for f in checks[c].control_fields if not getattr(control, f)]
            if unset:
                raise UserError("packs.check_needs", path=path, control=control.id, field=unset[0][1], check=unset[0][0])
        ids = [c.id for c in pack.control]
        if len(set(ids)) != len(ids):
            raise UserError("packs.duplicate_ids", path=path)
        packs[pack.id] = pack
    return packs


def all_controls() -> dict[str, Control]:
    return {c.id: c for pack in load_packs().values() for c in pack.control}


PARAM = re.compile(r"(?<!:):([a-z_]+)")
COMMENT = re.compile(r"--[^\n]*")


def parameters(sql: str) -> set[str]:
    """Named parameters (``:scan_id``) a check's SQL uses, outside comments."""
    return set(PARAM.findall(COMMENT.sub("", sql)))
