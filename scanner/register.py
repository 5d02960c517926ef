"""The register: what no API shows, kept by the security office (see register.example.toml)."""

import hashlib
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import ConfigDict, Field, model_validator

from connectors.registry import PROVIDERS
from findings.normalise import PETS
from findings.packs import Control
from inventory import rows
from inventory.errors import UserError, read_toml
from inventory.messages import Invalid
from inventory.vocabulary import Classification, Strict

Provider = Literal[PROVIDERS]  # type: ignore[valid-type]
Pet = Literal[PETS]  # type: ignore[valid-type]


class Entry(Strict):
    """Register tables are stricter still: no coercion ("yes" is not true, "1" is not a number)."""

    model_config = ConfigDict(extra="forbid", strict=True)


class RiskAssessment(Entry):
    reference: str
    date: date
    covers_jurisdiction: bool = False


class ExitStrategy(Entry):
    """The four parts of JenV art. 7."""

    portability_terms: str | None = None
    alternative: str | None = None
    crisis: str | None = None
    regular: str | None = None


class Transfer(Entry):
    """An art. 46 GDPR transfer mechanism (Rijksbreed 2022, condition 9c)."""

    mechanism: str
    dpia_sent_to_cio_rijk: date | None = None


class Service(Entry):
    provider: Provider
    account: str
    name: str
    owner: str | None = None
    material: bool = Field(description="required: 'materieel', needed for the organisation's primary task")
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
    contract_start: date | None = Field(default=None, description="date the contract was concluded; required "
                                        "with contract_end")
    reported_to_cio_rijk: date | None = None
    in_use_since: date | None = None
    transfer: Transfer | None = None
    pet: list[Pet] = Field(default_factory=list)

    @model_validator(mode="after")
    def _contract_start_with_end(self):
        if self.contract_end and not self.contract_start:
            raise Invalid("register.contract_start")
        if self.contract_end and self.contract_start and self.contract_start >= self.contract_end:
            raise Invalid("register.contract_order")
        return self


class Mailbox(Entry):
    tenant: str
    address: str
    reason: str | None = None


class Team(Entry):
    tenant: str
    team_id: str
    reason: str | None = None


class Deviation(Entry):
    """A scoped, dated decision on a control: the provider and account it covers, or scope = "all"."""

    control: str
    scope: Literal["all"] | None = None
    provider: Provider | None = None
    account: str | None = None
    resource: str | None = None
    justification: str = Field(min_length=1)
    approver: str = Field(min_length=1)
    date: date
    expires: date

    @model_validator(mode="after")
    def _scope_and_expiry(self):
        if self.expires <= self.date:
            raise Invalid("register.expires")
        if self.scope == "all" and (self.provider or self.account or self.resource):
            raise Invalid("register.scope_all")
        if self.scope is None and not (self.provider and self.account):
            raise Invalid("register.scope_needed")
        return self


class Explain(Deviation):
    """Comply-or-explain; the route's conditions (2022 conditions 10 and 11) are recorded here."""

    transfer_mechanism: str | None = Field(default=None, description="condition 10: the art. 46 GDPR mechanism (9c)")
    sent_to_cio_rijk: date | None = Field(default=None, description="condition 10: date the explain went to CIO Rijk")
    advice_requested: date | None = Field(default=None, description="condition 11: date CIO Rijk's advice was asked")
    advised_on: date | None = Field(default=None, description="condition 11: date of CIO Rijk's advice")

    @model_validator(mode="after")
    def _advice_before_approval(self):
        asked, advised = self.advice_requested, self.advised_on
        if asked and asked > self.date or advised and advised > self.date:
            raise Invalid("register.advice_order")
        if asked and advised and advised < asked:
            raise Invalid("register.advice_dates")
        return self


class AcceptedRisk(Deviation):
    """A deviation knowingly accepted on a control without an explain route: the finding stays 'fail'."""


class Attestation(Entry):
    control: str
    reference: str
    attested_by: str
    date: date
    expires: date | None = None


class Register(Entry):
    service: list[Service] = Field(default_factory=list)
    approved_mailbox: list[Mailbox] = Field(default_factory=list)
    approved_team: list[Team] = Field(default_factory=list)
    explain: list[Explain] = Field(default_factory=list)
    accepted_risk: list[AcceptedRisk] = Field(default_factory=list)
    attestation: list[Attestation] = Field(default_factory=list)


def load_register(path: Path, controls: dict[str, Control]) -> tuple[Register, str]:
    """Read and validate the register against the packs' controls; returns it with its verbatim text."""
    register, text = read_toml(path, Register)
    for table in ("explain", "accepted_risk", "attestation"):
        for index, entry in enumerate(getattr(register, table)):
            if entry.control not in controls:
                raise UserError("register.unknown_control", path=path, table=table, index=index, control=entry.control)
    for index, entry in enumerate(register.explain):
        if not controls[entry.control].explain.allowed:
            raise UserError("register.no_explain_route", path=path, index=index, control=entry.control)
    counts = Counter((s.provider, s.account) for s in register.service)
    duplicate = next((k for k, n in counts.items() if n > 1), None)
    if duplicate:
        raise UserError("register.duplicate_service", path=path, provider=duplicate[0], account=duplicate[1])
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
            contract_end=s.contract_end, contract_start=s.contract_start, reported_to_cio_rijk=s.reported_to_cio_rijk, in_use_since=s.in_use_since,
            transfer_mechanism=tr.mechanism if tr else None, transfer_dpia_sent=tr.dpia_sent_to_cio_rijk if tr else None,
            pet=";".join(s.pet) or None))
    snapshot += [rows.RegisterMailbox(tenant_id=m.tenant, address=m.address.lower(), reason=m.reason)
                 for m in register.approved_mailbox]
    snapshot += [rows.RegisterTeam(tenant_id=t.tenant, team_id=t.team_id, reason=t.reason)
                 for t in register.approved_team]
    snapshot += [rows.RegisterExplain(control_id=e.control, provider=e.provider, account_id=e.account,
                                      resource_uid=e.resource, justification=e.justification, approver=e.approver,
                                      approved_on=e.date, expires=e.expires, transfer_mechanism=e.transfer_mechanism,
                                      sent_to_cio_rijk=e.sent_to_cio_rijk, advice_requested=e.advice_requested,
                                      advised_on=e.advised_on) for e in register.explain]
    snapshot += [rows.RegisterAcceptedRisk(control_id=k.control, provider=k.provider, account_id=k.account,
                                           resource_uid=k.resource, justification=k.justification,
                                           approver=k.approver, approved_on=k.date, expires=k.expires)
                 for k in register.accepted_risk]
    snapshot += [rows.RegisterAttestation(control_id=a.control, reference=a.reference,
                                          attested_by=a.attested_by, attested_on=a.date, expires=a.expires)
                 for a in register.attestation]
    return snapshot
