"""The inventory schema: every table an auditor can query.

Every row that a scan produces carries ``scan_id``; scans keep their history. Column
descriptions are part of the schema documentation (``docs/schema.md`` is generated from them).
"""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Index
from sqlmodel import Field, SQLModel


def jsonb(description: str) -> Any:
    """A nullable JSON column with a description."""
    return Field(default=None, sa_type=JSON, nullable=True, sa_column_kwargs={"comment": description})


class Scan(SQLModel, table=True):
    """One run of ``wolkenwacht scan``."""

    id: int | None = Field(default=None, primary_key=True)
    started_at: datetime = Field(description="UTC start of the scan")
    finished_at: datetime | None = Field(default=None, description="UTC end of the scan")
    status: str = Field(description=(
        "running, complete (no errors), partial (some calls failed), interrupted (Ctrl-C, SIGTERM, or its "
        "process was killed) or failed; reports default to the latest complete or partial scan"))
    tool_version: str = Field(description="wolkenwacht version that ran the scan")
    organisation_name: str | None = Field(default=None, description="organisation name from the config")
    organisation_profile: str = Field(description="organisation profile from the config: ministry, critical or essential")
    config_sha256: str = Field(description="SHA-256 of the configuration file (the file itself is not stored)")
    register_sha256: str | None = Field(default=None, description="SHA-256 of the register file")
    register_toml: str | None = Field(default=None, description="verbatim copy of the register file")


class Account(SQLModel, table=True):
    """A public cloud service as the scanner sees it: AWS account, Azure subscription, GCP project, M365 tenant."""

    __table_args__ = (Index("ix_account_scan", "scan_id", "provider", "account_id", unique=True),)
    id: int | None = Field(default=None, primary_key=True)
    scan_id: int = Field(foreign_key="scan.id")
    provider: str = Field(description="aws, azure, gcp, m365 or onprem")
    account_id: str = Field(description="AWS account id, Azure subscription id, GCP project id, M365 tenant id, or on-premises endpoint")
    name: str | None = Field(default=None, description="display name from the provider")
    kind: str = Field(description="aws-account, azure-subscription, gcp-project, m365-tenant or onprem-endpoint")
    estate: str = Field(description="name of the config table ([[aws]] name = ...) that found it")
    parent_id: str | None = Field(default=None, description="organisation, management group, folder or tenant above it")
    created_at: datetime | None = Field(default=None, description="creation or joining time reported by the provider")
    raw: Any = jsonb("the provider's API answer describing the account")


class RawDocument(SQLModel, table=True):
    """A provider's raw API answer, stored once however many resources and scans hold it (content-addressed)."""

    __tablename__ = "raw_document"
    sha256: bytes = Field(primary_key=True, description="SHA-256 of the document's JSON text (its address)")
    raw: Any = jsonb("the provider's API answer")


class ResourceFound(SQLModel):
    """The columns of a resource as found (resource_state, and the view resource)."""

    provider: str = Field(description="aws, azure, gcp, m365 or onprem")
    account_id: str = Field(description="account, subscription, project or tenant that holds it")
    uid: str = Field(description="native id: ARN, Azure resource id, GCP full resource name, Graph id")
    type: str = Field(description="provider resource type, e.g. s3.bucket, microsoft.storage/storageaccounts, storage.googleapis.com/Bucket")
    name: str | None = Field(default=None, description="display name")
    region: str | None = Field(default=None, description="location as the provider reports it (lower case); null when the API gives none")
    created_at: datetime | None = Field(default=None, description="creation time from the provider API, when it reports one")
    tags: Any = jsonb("tags or labels as a JSON object")
    stores_data: bool = Field(default=False, description="true for storage-bearing resources, whose encryption at rest is judged")
    encrypted: bool | None = Field(default=None, description="encrypted at rest; null when not applicable or not observed")
    key_custody: str | None = Field(default=None, description=(
        "who holds the key: provider (CSP-managed), customer (customer-managed key in the CSP's KMS), "
        "external (key outside the CSP) or none"))
    key_id: str | None = Field(default=None, description="key ARN, Key Vault key URI or Cloud KMS key name when customer-managed")
    source_api: str = Field(description="API call that returned it, e.g. s3:ListBuckets")


class ResourceState(ResourceFound, table=True):
    """A resource as found, stored once for every scan that found it so (resource_row points here); query the
    view resource."""

    __tablename__ = "resource_state"
    __table_args__ = (Index("ix_resource_state_uid", "provider", "account_id", "uid"),)
    id: int | None = Field(default=None, primary_key=True)
    sha256: bytes = Field(description="the state's address: SHA-256 of its values as found (a scan finds its resource's "
                          "states by provider, account and uid, and the one it found by this)")
    raw_sha256: bytes | None = Field(default=None, foreign_key="raw_document.sha256",
                                     description="the raw_document holding the provider's API answer for the resource")


class ResourceRow(SQLModel, table=True):
    """One resource of one scan, pointing at the state it was found in (resource_state); query the view resource."""

    __tablename__ = "resource_row"
    __table_args__ = (Index("ix_resource_row_scan", "scan_id", "state_id"), Index("ix_resource_row_state", "state_id", "scan_id"))
    id: int | None = Field(default=None, primary_key=True)
    scan_id: int = Field(foreign_key="scan.id")
    state_id: int = Field(foreign_key="resource_state.id", description="the state the resource was found in")


class Resource(ResourceFound, table=True):
    """View: one resource found in an account by a scan, normalised, with its raw API answer (resource_row with
    its resource_state and raw_document)."""

    __tablename__ = "resource"
    id: int | None = Field(default=None, primary_key=True)
    scan_id: int = Field(foreign_key="scan.id")
    raw: Any = jsonb("the provider's API answer for the resource")


class Setting(SQLModel, table=True):
    """An account- or tenant-level setting, e.g. EBS default encryption or the Group.Unified policy."""

    __table_args__ = (Index("ix_setting_scan", "scan_id", "provider", "account_id", "key"),)
    id: int | None = Field(default=None, primary_key=True)
    scan_id: int = Field(foreign_key="scan.id")
    provider: str
    account_id: str
    region: str | None = Field(default=None, description="region the setting applies to; null for account-wide")
    key: str = Field(description="dotted setting name, e.g. ec2.ebs_encryption_by_default")
    value: str | None = Field(default=None, description="the setting's value as text")
    source_api: str = Field(description="API call that returned it")
    raw: Any = jsonb("the provider's API answer")


class SecurityService(SQLModel, table=True):
    """A CSP-native security product and whether it is enabled (JENV25-CSP-SECTOOLS)."""

    __tablename__ = "security_service"

    id: int | None = Field(default=None, primary_key=True)
    scan_id: int = Field(foreign_key="scan.id")
    provider: str
    account_id: str
    region: str | None = Field(default=None, description="region, or null when account-wide")
    service: str = Field(description="guardduty, securityhub, macie, inspector, detective, defender:<plan>, sentinel, scc")
    enabled: bool = Field(description="true when the product is on (a paid Defender plan counts as on)")
    detail: str | None = Field(default=None, description="status as the API reports it")
    source_api: str
    raw: Any = jsonb("the provider's API answer")


class Collection(SQLModel, table=True):
    """One API call group of a connector and its outcome. Failed rows turn findings into 'error'."""

    id: int | None = Field(default=None, primary_key=True)
    scan_id: int = Field(foreign_key="scan.id")
    provider: str
    estate: str = Field(description="name of the config table")
    account_id: str | None = Field(default=None, description="account concerned; null when the failure happened before any account was known")
    region: str | None = None
    area: str = Field(description="what was being collected: accounts, inventory, security_services, or a connector-specific area such as m365.teams")
    call: str = Field(description="API operation, e.g. s3:ListBuckets")
    ok: bool = Field(description="true when the call succeeded")
    error: str | None = Field(default=None, description="error code and message (never a secret)")
    permission: str | None = Field(default=None, description="permission that would have allowed the call, when known")
    item_count: int | None = Field(default=None, description="rows the call produced")
    subject: str | None = Field(default=None, description=(
        "uid of the resource a per-resource call was made for; when it failed, that resource's findings of checks "
        "requiring this area are 'error'"))


class ScopeExcluded(SQLModel, table=True):
    """Scope the configuration left out, so it is never silent: an AWS region enabled for the account but not in
    ``regions``, an Azure subscription the credential can list but ``subscriptions`` or ``management_group`` leaves out."""

    __tablename__ = "scope_excluded"
    id: int | None = Field(default=None, primary_key=True)
    scan_id: int = Field(foreign_key="scan.id", index=True)
    provider: str
    estate: str = Field(description="name of the config table")
    account_id: str = Field(description="the AWS account whose region was left out, or the Azure subscription left out")
    region: str | None = Field(default=None, description="the AWS region left out; null when a whole subscription is")
    name: str | None = Field(default=None, description="display name from the provider")
    config_field: str = Field(description="the config field that left it out: regions, subscriptions or management_group")
    source_api: str = Field(description="API call that showed it, e.g. ec2:DescribeRegions")


class RefRegion(SQLModel, table=True):
    """Reference: provider location → the countries where data may be stored (policies/reference/regions.csv)."""

    __tablename__ = "ref_region"
    provider: str = Field(primary_key=True)
    region: str = Field(primary_key=True, description="lower-case location name")
    display_name: str | None = None
    location_kind: str = Field(description="region (one country), multi (a known set of countries), geography "
                                           "(a logical geography without a fixed country set) or global (no data location)")
    countries: str | None = Field(default=None, description="semicolon-separated ISO 3166 codes the location may use")
    city_or_area: str | None = None
    notes: str | None = Field(default=None, description="source and caveats")


class RefRegionCountry(SQLModel, table=True):
    """Reference: one row per (location, country) pair, for joins."""

    __tablename__ = "ref_region_country"
    provider: str = Field(primary_key=True)
    region: str = Field(primary_key=True)
    country: str = Field(primary_key=True)


class RefCountry(SQLModel, table=True):
    """Reference: country facts (policies/reference/countries.csv)."""

    __tablename__ = "ref_country"
    iso2: str = Field(primary_key=True)
    name: str
    eea: bool = Field(description="member of the European Economic Area")
    adequacy: str = Field(description="EU adequacy decision: eea, full, dpf_only (only DPF-certified "
                                      "recipients, the US), commercial_only (only private-sector recipients: CA, JP, KR) or none")
    adequacy_note: str | None = None
    offensive_cyber_programme: bool = Field(description="state with an offensive cyber programme against Dutch interests (C2000 criterion)")
    ocp_source: str | None = None
    notes: str | None = None


class RefProvider(SQLModel, table=True):
    """Reference: provider jurisdiction and DPF certification (policies/reference/providers.csv)."""

    __tablename__ = "ref_provider"
    provider: str = Field(primary_key=True)
    name: str
    jurisdiction: str = Field(description="ISO code of the country whose law the provider is (also) subject to")
    dpf_certified: bool = Field(description="certified under the EU-US Data Privacy Framework")
    source: str | None = None


class FactResource(SQLModel, table=True):
    """Derived facts per resource (findings/facts.py): location and classification."""

    __tablename__ = "fact_resource"
    resource_id: int = Field(primary_key=True, foreign_key="resource_row.id")
    scan_id: int = Field(index=True)
    location_kind: str = Field(description="region, multi, geography, global, unreported (the provider gives "
                                           "no location) or unknown (not in ref_region)")
    ref_region: str | None = Field(default=None, description="the ref_region entry its region resolved to (a "
                                                             "zone resolves to its region); null when unreported or unknown")
    countries: str | None = Field(default=None, description="semicolon-separated countries the resource may use")
    classification: str = Field(description="data classification: from the resource tag, else the register, else 'unknown'")
    classification_source: str = Field(description="tag, register or none")
    pet: str | None = Field(default=None, description="privacy-enhancing technology the resource's 'pet' tag names, "
                            "from the fixed vocabulary (findings/normalise.py); null when none or unrecognised")
    classification_tag: str | None = Field(default=None, description="the classification tag's value as found; "
                                           "an unrecognised value leaves classification 'unknown'")
    pet_tag: str | None = Field(default=None, description="the 'pet' tag's value as found")
    first_seen: datetime = Field(description="start of the earliest scan that saw this resource")


class FactResourceCountry(SQLModel, table=True):
    """Derived: one row per (resource, country) it may use."""

    __tablename__ = "fact_resource_country"
    resource_id: int = Field(primary_key=True, foreign_key="resource_row.id")
    country: str = Field(primary_key=True)
    scan_id: int = Field(index=True)


class FactRegion(SQLModel, table=True):
    """Derived per scan: every reference location with the country facts it was judged with, so a
    later change of the reference data never changes an old scan's answer."""

    __tablename__ = "fact_region"
    scan_id: int = Field(primary_key=True, foreign_key="scan.id")
    provider: str = Field(primary_key=True)
    region: str = Field(primary_key=True, description="lower-case location name (ref_region.region)")
    location_kind: str = Field(description="region, multi, geography or global (ref_region.location_kind)")
    countries: str | None = Field(default=None, description="semicolon-separated ISO 3166 codes the location may use")
    outside_eea: int = Field(description="1 when any of its countries is outside the EEA (or unknown)")
    outside_adequacy: int = Field(description="1 when any of its countries has neither EEA membership nor an "
                                  "adequacy decision that covers this provider (the US only when DPF-certified)")
    in_ocp_state: int = Field(description="1 when any of its countries is a state with an offensive cyber programme")
    country_facts: str | None = Field(default=None, description="per country: eea, adequacy and offensive cyber "
                                      "programme as judged, e.g. 'US eea=no adequacy=dpf_only ocp=no'")


class FactProvider(SQLModel, table=True):
    """Derived per scan: each provider's jurisdiction facts as judged in this scan."""

    __tablename__ = "fact_provider"
    scan_id: int = Field(primary_key=True, foreign_key="scan.id")
    provider: str = Field(primary_key=True)
    jurisdiction: str | None = Field(default=None, description="ISO code of the country whose law the provider is subject to")
    dpf_certified: bool | None = Field(default=None, description="certified under the EU-US Data Privacy Framework")
    jurisdiction_eea: bool | None = Field(default=None, description="the jurisdiction is an EEA member")
    jurisdiction_ocp: bool | None = Field(default=None, description="the jurisdiction is a state with an offensive cyber programme")


class RegisterService(SQLModel, table=True):
    """Register snapshot: one cloud service (account) as the organisation records it."""

    __tablename__ = "register_service"
    __table_args__ = (Index("ix_register_service_account", "scan_id", "provider", "account_id"),)
    id: int | None = Field(default=None, primary_key=True)
    scan_id: int = Field(foreign_key="scan.id")
    provider: str
    account_id: str
    name: str
    owner: str | None = None
    material: bool = Field(description="material use: needed for the organisation's primary task")
    classification: str | None = Field(default=None, description="default classification of data in this service")
    service_model: str | None = Field(default=None, description="IaaS, PaaS or SaaS")
    risk_assessment_ref: str | None = Field(default=None, description="reference of the risk assessment / DPIA")
    risk_assessment_date: date | None = None
    risk_covers_jurisdiction: bool = Field(default=False, description="the risk assessment addresses foreign "
                                                                      "jurisdiction and supplier dependency (2026 §3.1)")
    exit_portability_terms: str | None = Field(default=None, description="exit part 1: supplier terms on data/service portability and destruction")
    exit_alternative: str | None = Field(default=None, description="exit part 2: alternative supplier or internal landing place")
    exit_crisis: str | None = Field(default=None, description="exit part 3: crisis exit strategy and budget")
    exit_regular: str | None = Field(default=None, description="exit part 4: regular end-of-contract strategy and budget")
    exit_plan_ref: str | None = Field(default=None, description="detailed exit plan (2026 §3.2)")
    emergency_plan_ref: str | None = Field(default=None, description="emergency plan for sudden unavailability (2026 §3.2)")
    right_to_audit: bool | None = None
    sub_processors: str | None = Field(default=None, description="semicolon-separated sub-processors")
    declared_regions: str | None = Field(default=None, description="semicolon-separated regions declared in the risk analysis")
    contract_end: date | None = None
    contract_start: date | None = Field(default=None, description="date the contract was concluded; a contract "
                                        "concluded before the 2026 policy's adoption may extend the transition")
    reported_to_cio_rijk: date | None = None
    in_use_since: date | None = Field(default=None, description="date the service was first used (transition rule)")
    transfer_mechanism: str | None = Field(default=None, description="art. 46 GDPR transfer mechanism for "
                                                                     "personal data outside EEA/adequacy (2022 condition 9c), e.g. SCC")
    transfer_dpia_sent: date | None = Field(default=None, description="date the DPIA for the 9c transfer was sent to CIO Rijk")
    pet: str | None = Field(default=None, description="privacy-enhancing technologies applied (2026 §4.6)")


class RegisterMailbox(SQLModel, table=True):
    """Register snapshot: a cloud mailbox deliberately approved (JenV §2.2.4)."""

    __tablename__ = "register_mailbox"
    id: int | None = Field(default=None, primary_key=True)
    scan_id: int = Field(foreign_key="scan.id", index=True)
    tenant_id: str
    address: str = Field(description="user principal name or primary SMTP address, lower case")
    reason: str | None = None


class RegisterTeam(SQLModel, table=True):
    """Register snapshot: a team approved as an exception (JenV §2.2.3)."""

    __tablename__ = "register_team"
    id: int | None = Field(default=None, primary_key=True)
    scan_id: int = Field(foreign_key="scan.id", index=True)
    tenant_id: str
    team_id: str
    reason: str | None = None


class RegisterExplain(SQLModel, table=True):
    """Register snapshot: a comply-or-explain entry ('pas toe of leg uit')."""

    __tablename__ = "register_explain"
    id: int | None = Field(default=None, primary_key=True)
    scan_id: int = Field(foreign_key="scan.id", index=True)
    control_id: str
    provider: str | None = Field(default=None, description="scope: provider, or null for any")
    account_id: str | None = Field(default=None, description="scope: account, or null for any")
    resource_uid: str | None = Field(default=None, description="scope: one resource, or null for the whole account")
    justification: str
    approver: str
    approved_on: date
    expires: date
    transfer_mechanism: str | None = Field(default=None, description="condition 10 route: the art. 46 GDPR "
                                           "transfer mechanism (9c) the exception rests on")
    sent_to_cio_rijk: date | None = Field(default=None, description="condition 10 route: date the explain "
                                          "(with the DPIA) was sent to CIO Rijk")
    advice_requested: date | None = Field(default=None, description="condition 11 route: date CIO Rijk's advice "
                                          "was asked, before the approval")
    advised_on: date | None = Field(default=None, description="condition 11 route: date of CIO Rijk's advice, "
                                    "before the approval")


class RegisterAcceptedRisk(SQLModel, table=True):
    """Register snapshot: a deviation knowingly accepted on a control without an explain route (stays 'fail')."""

    __tablename__ = "register_accepted_risk"
    id: int | None = Field(default=None, primary_key=True)
    scan_id: int = Field(foreign_key="scan.id", index=True)
    control_id: str
    provider: str | None = Field(default=None, description="scope: provider, or null when scope is 'all'")
    account_id: str | None = Field(default=None, description="scope: account, or null when scope is 'all'")
    resource_uid: str | None = Field(default=None, description="scope: one resource, or null for the whole account")
    justification: str
    approver: str
    approved_on: date
    expires: date


class RegisterAttestation(SQLModel, table=True):
    """Register snapshot: a person's attestation for a control that no API can show."""

    __tablename__ = "register_attestation"
    id: int | None = Field(default=None, primary_key=True)
    scan_id: int = Field(foreign_key="scan.id", index=True)
    control_id: str
    reference: str
    attested_by: str
    attested_on: date
    expires: date | None = None


class PackControl(SQLModel, table=True):
    """A control of a policy pack, as evaluated in this scan, with its citation."""

    __tablename__ = "pack_control"
    scan_id: int = Field(primary_key=True, foreign_key="scan.id")
    pack: str = Field(primary_key=True)
    control_id: str = Field(primary_key=True)
    title_nl: str
    title_en: str
    severity: str
    document: str
    section: str
    quote: str = Field(description="verbatim Dutch text the control enforces")
    checks: str = Field(description="semicolon-separated check ids")
    classifications: str | None = Field(default=None, description="semicolon-separated classifications the control does not allow in public cloud")
    remediation: Any = jsonb("what an admin does to comply: nl, en, links and per-provider nl/en/links (the pack's remediation table)")
    evaluates: str | None = Field(default=None, description="what the control evaluates, as the pack states it")
    evidence: str | None = Field(default=None, description="what evidence the control records, as the pack states it")
    manual: str | None = Field(default=None, description="how a person verifies it, in English, as the pack states it")
    manual_nl: str | None = Field(default=None, description="how a person verifies it, in Dutch (null in scans made before Dutch guidance)")
    transition: bool | None = Field(default=None, description="whether the pack's transition period applies to it")
    transition_basis: str | None = Field(default=None, description="why the transition does or does not apply, cited")
    existing_before: date | None = Field(default=None, description="transition: use before this date is existing use")
    transition_deadline: date | None = Field(default=None, description="transition: end of the transition period")
    explain_route: str | None = Field(default=None, description="the policy text allowing comply-or-explain; null: "
                                      "no route, an entry never explains it")
    explain_requires: str | None = Field(default=None, description="semicolon-separated register_explain fields "
                                         "the route's conditions need recorded")


class CheckSource(SQLModel, table=True):
    """The SQL text of each check as run in this scan, so the database describes itself."""

    __tablename__ = "check_source"
    scan_id: int = Field(primary_key=True, foreign_key="scan.id")
    check_id: str = Field(primary_key=True)
    sql: str
    sha256: str
    requires: str = Field(description="semicolon-separated collection areas; a failed one makes findings 'error'")
    providers: str = Field(description="semicolon-separated providers the check covers")


class MessageTemplate(SQLModel, table=True):
    """The finding message templates as this scan rendered them (policies/messages), so any scan renders in nl and en."""

    __tablename__ = "message_template"
    scan_id: int = Field(primary_key=True, foreign_key="scan.id")
    key: str = Field(primary_key=True, description="<check id or 'rules'>.<name>, as finding.message_key")
    nl: str = Field(description="Dutch template; {name} is a parameter from finding.message_params")
    en: str = Field(description="English template")


class FindingSays(SQLModel):
    """The columns of what a finding says (finding_body, and the view finding)."""

    pack: str
    control_id: str
    check_id: str | None = Field(default=None, description="check whose SQL decided it (see check_source)")
    status: str = Field(description="pass, fail, transition, explained, manual, not_applicable or error")
    check_status: str = Field(description="status the check SQL returned, before the transition and explain rules")
    severity: str
    message: str = Field(description="in English, rendered from message_key and message_params (before release 0.2: "
                         "the only message); with a deadline, the transition period's end is appended")
    message_key: str | None = Field(default=None, description="template of the message (message_template); null "
                                    "in scans made before message templates")
    message_params: Any = jsonb("the message template's parameters")
    deadline: date | None = Field(default=None, description="end of the transition period for 'transition' findings")
    provider: str | None = None
    account_id: str | None = None
    evidence: Any = jsonb("what the check observed: the extra columns its SQL returned")
    key: str | None = Field(default=None, description=(
        "the same for the same control, check and subject in every scan: control|check|provider|account|resource uid "
        "(uid empty for account-level findings; provider and account empty for organisation-level ones)"))


class FindingScan(SQLModel):
    """The columns of a finding that belong to its scan (finding_row, and the view finding)."""

    id: int | None = Field(default=None, primary_key=True)
    scan_id: int = Field(foreign_key="scan.id")
    resource_id: int | None = Field(default=None, foreign_key="resource_row.id", description="null for account-level findings")
    explain_id: int | None = Field(default=None, foreign_key="register_explain.id",
                                   description="comply-or-explain entry that covers an 'explained' finding")
    accepted_risk_id: int | None = Field(default=None, foreign_key="register_accepted_risk.id",
                                         description="accepted risk recorded for this 'fail' finding (it stays 'fail')")


class FindingBody(FindingSays, table=True):
    """What a finding says, stored once for every scan that judged the same (finding_row points here); query
    the view finding."""

    __tablename__ = "finding_body"
    __table_args__ = (Index("ix_finding_body_key", "key"),)
    id: int | None = Field(default=None, primary_key=True)


class FindingRow(FindingScan, table=True):
    """One judgement of one scan, pointing at what it says (finding_body); query the view finding."""

    __tablename__ = "finding_row"
    __table_args__ = (Index("ix_finding_row_scan", "scan_id"), Index("ix_finding_row_body", "body_id"))
    body_id: int = Field(foreign_key="finding_body.id", description="what the finding says")


class Finding(FindingSays, FindingScan, table=True):
    """View: one judgement, a control applied to a resource or an account (finding_row with its finding_body)."""

    __tablename__ = "finding"


VIEW_MODELS = frozenset({"finding", "resource"})  # models of views (views.sql): queried like tables, never created as tables


class FindingTransition(SQLModel, table=True):
    """The facts the 2026 transition rule decided on, for each 'fail' finding of a control it applies to."""

    __tablename__ = "finding_transition"
    finding_id: int = Field(primary_key=True, foreign_key="finding_row.id")
    scan_id: int = Field(index=True)
    existing_since: datetime = Field(description="when the use began: the provider's creation time, else the "
                                     "first sighting; for a service, the register's in_use_since when later")
    existing_source: str = Field(description="created (provider), first_seen (inventory) or in_use_since (register)")
    existing_before: date = Field(description="use before this date is existing use (the policy's adoption)")
    excluded: str | None = Field(default=None, description="why the transition never covers it: a 2022 "
                                 "prohibition (state secret, TBB 1-3, state with an offensive cyber programme)")
    deadline: date = Field(description="the policy's deadline, or a later contract_end of a contract concluded "
                           "before existing_before")
    deadline_rule: str = Field(description="policy (4 years after adoption) or contract_end (register)")
    outcome: str = Field(description="transition, ended (deadline passed on the scan date: fail), not_existing "
                         "(began on or after existing_before: fail) or excluded (fail)")
    due_soon: bool = Field(description="a 'transition' whose deadline falls within the configured horizon")
