"""The register: what no API shows, kept by the security office (see register.example.toml)."""

import hashlib
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from connectors.registry import PROVIDERS
from inventory import rows
from inventory.errors import UserError, read_toml
from inventory.vocabulary import Classification, Strict

Provider = Literal[PROVIDERS]  # type: ignore[valid-type]


class RiskAssessment(Strict):
    reference: str
    date: date
    covers_jurisdiction: bool = False


class ExitStrategy(Strict):
    """The four parts of JenV art. 7."""

    portability_terms: str | None = None
    alternative: str | None = None
    crisis: str | None = None
    regular: str | None = None


class Transfer(Strict):
    """An art. 46 GDPR transfer mechanism (Rijksbreed 2022, condition 9c)."""

    mechanism: str
    dpia_sent_to_cio_rijk: date | None = None


class Service(Strict):
    provider: Provider
    account: str
    name: str
    owner: str | None = None
    material: bool = False
    classification: Classification | None = None
    service_model: Literal["IaaS", "PaaS", "SaaS"] | None = None
    risk_assessment: RiskAssessment | None = None
    exit_strategy: ExitStrategy | None = None
    exit_plan: str | None = None
    emergency_plan: str | None = None
    right_to_audit: bool | None = None
    sub_processors: list[str] = Field(default_factory=list)
    declared_regions: list[str] = Field(default_factory=list)
    contract_end: date | None = None
    reported_to_cio_rijk: date | None = None
    in_use_since: date | None = None
    transfer: Transfer | None = None
    pet: list[str] = Field(default_factory=list)


class Mailbox(Strict):
    tenant: str
    address: str
    reason: str | None = None


class Team(Strict):
    tenant: str
    team_id: str
    reason: str | None = None


class Explain(Strict):
    control: str
    provider: Provider | None = None
    account: str | None = None
    resource: str | None = None
    justification: str = Field(min_length=1)
    approver: str = Field(min_length=1)
    date: date
    expires: date

    @model_validator(mode="after")
    def _expiry_after_date(self):
        if self.expires <= self.date:
            raise ValueError("expires must be after date")
        if self.resource and not self.account:
            raise ValueError("a resource scope needs its account")
        return self


class Attestation(Strict):
    control: str
    reference: str
    attested_by: str
    date: date
    expires: date | None = None


class Register(Strict):
    service: list[Service] = Field(default_factory=list)
    approved_mailbox: list[Mailbox] = Field(default_factory=list)
    approved_team: list[Team] = Field(default_factory=list)
    explain: list[Explain] = Field(default_factory=list)
    attestation: list[Attestation] = Field(default_factory=list)


def load_register(path: Path, known_controls: set[str]) -> tuple[Register, str]:
    """Read and validate the register; returns it with its verbatim text."""
    register, text = read_toml(path, Register)
    for table in ("explain", "attestation"):
        for index, entry in enumerate(getattr(register, table)):
            if entry.control not in known_controls:
                raise UserError(f"{path}: {table}.{index}.control: unknown control id {entry.control!r}")
    keys = [(s.provider, s.account) for s in register.service]
    duplicate = next((k for k in keys if keys.count(k) > 1), None)
    if duplicate:
        raise UserError(f"{path}: service: {duplicate[0]} account {duplicate[1]!r} is listed twice")
    return register, text


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def register_rows(register: Register) -> list:
    """The register as snapshot rows for the inventory."""
    snapshot: list = []
    for s in register.service:
        ra, ex, tr = s.risk_assessment, s.exit_strategy or ExitStrategy(), s.transfer
        snapshot.append(rows.RegisterService(
            provider=s.provider, account_id=s.account, name=s.name, owner=s.owner, material=s.material,
            classification=s.classification, service_model=s.service_model,
            risk_assessment_ref=ra.reference if ra else None, risk_assessment_date=ra.date if ra else None,
            risk_covers_jurisdiction=bool(ra and ra.covers_jurisdiction),
            exit_portability_terms=ex.portability_terms, exit_alternative=ex.alternative,
            exit_crisis=ex.crisis, exit_regular=ex.regular, exit_plan_ref=s.exit_plan,
            emergency_plan_ref=s.emergency_plan, right_to_audit=s.right_to_audit,
            sub_processors=";".join(s.sub_processors) or None,
            declared_regions=";".join(r.lower() for r in s.declared_regions) or None,
            contract_end=s.contract_end, reported_to_cio_rijk=s.reported_to_cio_rijk, in_use_since=s.in_use_since,
            transfer_mechanism=tr.mechanism if tr else None, transfer_dpia_sent=tr.dpia_sent_to_cio_rijk if tr else None,
            pet=";".join(s.pet) or None))
    snapshot += [rows.RegisterMailbox(tenant_id=m.tenant, address=m.address.lower(), reason=m.reason)
                 for m in register.approved_mailbox]
    snapshot += [rows.RegisterTeam(tenant_id=t.tenant, team_id=t.team_id, reason=t.reason)
                 for t in register.approved_team]
    snapshot += [rows.RegisterExplain(control_id=e.control, provider=e.provider, account_id=e.account,
                                      resource_uid=e.resource, justification=e.justification, approver=e.approver,
                                      approved_on=e.date, expires=e.expires) for e in register.explain]
    snapshot += [rows.RegisterAttestation(control_id=a.control, reference=a.reference,
                                          attested_by=a.attested_by, attested_on=a.date, expires=a.expires)
                 for a in register.attestation]
    return snapshot
