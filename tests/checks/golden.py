"""A golden compliant estate as inventory rows, and helpers to judge one-field mutations of it.

ScubaGear style: a test starts from ``golden_estate()`` (which every generic check passes),
changes one field, runs the check, and asserts that exactly the expected row changed status.
The estate: an AWS account, an Azure subscription, a GCP project and an M365 tenant, each
registered in full, with resources in EEA regions, encrypted and classified.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import Engine, text

from inventory.rows import (
    Account,
    Collection,
    RegisterAcceptedRisk,
    RegisterAttestation,
    RegisterExplain,
    RegisterService,
    Resource,
    SecurityService,
)
from tests.support import check_rows, new_inventory, store

AWS, AZURE, GCP, M365 = ("111122223333", "6b0f4f1e-2c9a-4d7e-9b1a-0c5e7f3a2d10", "jenv-wolk-prod",
                         "0d2f7c4e-8a1b-4c3d-9e5f-6a7b8c9d0e1f")
ACCOUNT_IDS = {"aws": AWS, "azure": AZURE, "gcp": GCP, "m365": M365}
KINDS = {"aws": "aws-account", "azure": "azure-subscription", "gcp": "gcp-project", "m365": "m365-tenant"}
DECLARED = {"aws": "eu-west-1;eu-central-1", "azure": "westeurope", "gcp": "europe-west4", "m365": "eur"}
DEFAULT_CLASSIFICATION = {"aws": "intern", "azure": "intern", "gcp": "persoonsgegevens", "m365": "intern"}
ORGANISATION = "organisation"
Outcome = dict[str, list[dict]]


def account(provider: str, account_id: str | None = None, estate: str | None = None) -> Account:
    account_id = account_id or ACCOUNT_IDS[provider]
    return Account(provider=provider, account_id=account_id, name=f"jenv-{provider}-{account_id[:4]}",
                   kind=KINDS[provider], estate=estate or f"{provider}-prod",
                   created_at=datetime(2023, 1, 10, tzinfo=UTC), raw={})


def register_entry(provider: str, account_id: str | None = None) -> RegisterService:
    """A register entry with every field filled in."""
    return RegisterService(
        provider=provider, account_id=account_id or ACCOUNT_IDS[provider], name=f"JenV {provider}",
        owner="CIO-office JenV", material=True, classification=DEFAULT_CLASSIFICATION[provider],
        service_model="SaaS" if provider == "m365" else "IaaS",
        risk_assessment_ref=f"DPIA-{provider}-2025-01", risk_assessment_date=date(2025, 3, 1),
        risk_covers_jurisdiction=True, exit_portability_terms="Contract art. 12: export and destruction",
        exit_alternative="Rijkscloud ODC-Noord", exit_crisis="Crisisexit, budget EUR 2M",
        exit_regular="Exit at contract end, budget EUR 1M", exit_plan_ref=f"EXIT-{provider}-2026",
        emergency_plan_ref=f"NOOD-{provider}-2026", right_to_audit=True, sub_processors="Equinix;Interxion",
        declared_regions=DECLARED[provider], contract_end=date(2029, 12, 31), contract_start=date(2021, 1, 1),
        reported_to_cio_rijk=date(2026, 9, 1), in_use_since=date(2023, 2, 1))


def resource(provider: str, name: str, uid: str, rtype: str, region: str | None, *, tags: dict | None = None,
             stores_data: bool = True, key_custody: str | None = "provider",
             created_at: datetime | None = datetime(2024, 3, 1, tzinfo=UTC)) -> Resource:
    return Resource(provider=provider, account_id=ACCOUNT_IDS[provider], uid=uid, type=rtype, name=name,
                    region=region, created_at=created_at, tags=tags or {}, stores_data=stores_data,
                    encrypted=True if stores_data else None, key_custody=key_custody if stores_data else None,
                    key_id=f"key-{name}" if key_custody == "customer" else None, source_api="test:List", raw={})


def _resources() -> dict[str, Resource]:
    azure_rg = f"/subscriptions/{AZURE}/resourceGroups/rg-jenv/providers"
    rows = [
        resource("aws", "aws-bucket", "arn:aws:s3:::jenv-archief", "s3.bucket", "eu-west-1",
                 tags={"classification": "persoonsgegevens"}),
        resource("aws", "aws-function", f"arn:aws:lambda:eu-central-1:{AWS}:function:intake", "lambda.function",
                 "eu-central-1", stores_data=False),
        resource("azure", "azure-storage", f"{azure_rg}/Microsoft.Storage/storageAccounts/jenvdata",
                 "microsoft.storage/storageaccounts", "westeurope", tags={"Classification": "Persoonsgegevens"},
                 key_custody="customer"),
        resource("azure", "azure-health", f"{azure_rg}/Microsoft.Sql/servers/jenv/databases/zorg",
                 "microsoft.sql/servers/databases", "westeurope",
                 tags={"classification": "bijzondere-persoonsgegevens", "pet": "pseudonymisation"},
                 key_custody="customer"),
        resource("gcp", "gcp-bucket", "//storage.googleapis.com/projects/_/buckets/jenv-wolk",
                 "storage.googleapis.com/Bucket", "europe-west4", key_custody="customer"),
        resource("m365", "m365-mailbox", f"{M365}/mailbox/secretariaat", "m365.mailbox", "eur"),
    ]
    return {r.name: r for r in rows}


def security_service(provider: str, service: str, region: str | None, enabled: bool = False,
                     account_id: str | None = None) -> SecurityService:
    return SecurityService(provider=provider, account_id=account_id or ACCOUNT_IDS[provider], region=region,
                           service=service, enabled=enabled, detail="ENABLED" if enabled else "DISABLED",
                           source_api="test:Get", raw={})


def collection(provider: str, area: str, account_id: str | None, ok: bool = True, estate: str | None = None,
               call: str = "test:Call") -> Collection:
    return Collection(provider=provider, estate=estate or f"{provider}-prod", account_id=account_id, area=area,
                      call=call, ok=ok, error=None if ok else "AccessDenied: not authorised",
                      permission=None if ok else "test:Read", item_count=1 if ok else None)


def attestation(control_id: str, attested_on: date = date(2026, 1, 15),
                expires: date | None = date(2027, 1, 15)) -> RegisterAttestation:
    return RegisterAttestation(control_id=control_id, reference=f"ATT-{control_id}", attested_by="CISO JenV",
                               attested_on=attested_on, expires=expires)


def explain(control_id: str, *, provider: str | None = None, account_id: str | None = None,
            resource_uid: str | None = None, expires: date = date(2027, 6, 30), **route) -> RegisterExplain:
    """An entry approved 2026-06-01 with every route condition recorded (CIO Rijk's advice and the 9c transfer)."""
    conditions = {"transfer_mechanism": "SCC 2021/914", "sent_to_cio_rijk": date(2026, 6, 15),
                  "advice_requested": date(2026, 4, 1), "advised_on": date(2026, 5, 1)} | route
    return RegisterExplain(control_id=control_id, provider=provider, account_id=account_id, resource_uid=resource_uid,
                           justification="Besluit SG 2026-14", approver="SG JenV", approved_on=date(2026, 6, 1),
                           expires=expires, **conditions)


def accepted_risk(control_id: str, *, provider: str | None = None, account_id: str | None = None,
                  resource_uid: str | None = None) -> RegisterAcceptedRisk:
    return RegisterAcceptedRisk(control_id=control_id, provider=provider, account_id=account_id,
                                resource_uid=resource_uid, justification="Migratie gepland Q3 2027",
                                approver="SG JenV", approved_on=date(2026, 6, 1), expires=date(2027, 6, 30))


@dataclass
class Estate:
    accounts: dict[str, Account]
    resources: dict[str, Resource]
    register: dict[str, RegisterService]
    security: list[SecurityService]
    collections: list[Collection]
    attestations: list[RegisterAttestation]
    explains: list[RegisterExplain] = field(default_factory=list)
    accepted_risks: list[RegisterAcceptedRisk] = field(default_factory=list)
    connector_rows: list = field(default_factory=list)    # rows of a connector's own tables (m365_site, ...)

    def rows(self) -> list:
        return [*self.accounts.values(), *self.resources.values(), *self.register.values(), *self.security,
                *self.collections, *self.attestations, *self.explains, *self.accepted_risks, *self.connector_rows]

    def add_account(self, provider: str, account_id: str, estate: str) -> None:
        """Another account of a provider, registered in full, with a successful collection."""
        self.accounts[account_id] = account(provider, account_id, estate)
        self.register[account_id] = register_entry(provider, account_id)
        self.collections += [collection(provider, area, account_id, estate=estate)
                             for area in ("accounts", "inventory", "security_services")]


def golden_estate() -> Estate:
    """A fresh golden estate; every test mutates its own copy."""
    collections = [collection(p, area, ACCOUNT_IDS[p]) for p in ACCOUNT_IDS for area in ("accounts", "inventory")]
    collections += [collection(p, "security_services", ACCOUNT_IDS[p]) for p in ("aws", "azure", "gcp")]
    return Estate(
        accounts={p: account(p) for p in ACCOUNT_IDS},
        resources=_resources(),
        register={p: register_entry(p) for p in ACCOUNT_IDS},
        security=[security_service("aws", "guardduty", "eu-west-1"),
                  security_service("azure", "defender:StorageAccounts", None),
                  security_service("gcp", "scc", None)],
        collections=collections,
        attestations=[attestation("RBC22-POLICY"), attestation("RBC26-CLASSIFIED")],
    )


def provider_fact(provider: str, **values) -> str:
    """SQL that changes a fact of ref_provider (reference data), e.g. provider_fact("aws", jurisdiction="CN")."""
    sql = lambda v: str(v).lower() if isinstance(v, bool) else f"'{v}'"  # noqa: E731
    changes = ", ".join(f"{k} = {sql(v)}" for k, v in values.items())
    return f"update ref_provider set {changes} where provider = '{provider}'"


def stored(tmp_path, estate: Estate, *sql: str) -> tuple[Engine, int]:
    """A new inventory holding the estate; ``sql`` statements then mutate reference data."""
    engine, scan_id = new_inventory(tmp_path)
    store(engine, scan_id, estate.rows())
    with engine.begin() as conn:
        for statement in sql:
            conn.execute(text(statement))
    return engine, scan_id


def key_of(row: dict, names: dict[int, str]) -> str:
    """Resource rows by the resource's name in the estate, account rows by account id."""
    if row["resource_id"] is not None:
        return names[row["resource_id"]]
    return row["account_id"] or ORGANISATION


def resource_names(engine: Engine, scan_id: int) -> dict[int, str]:
    with engine.connect() as conn:
        return dict(conn.execute(text("select id, name from resource where scan_id = :s"), {"s": scan_id}).all())


def run(tmp_path, estate: Estate, check_id: str, *sql: str, profile: str = "ministry",
        control_id: str | None = None) -> Outcome:
    """Run one check over the estate; its rows grouped by key_of."""
    engine, scan_id = stored(tmp_path, estate, *sql)
    names = resource_names(engine, scan_id)
    outcome: Outcome = {}
    for row in check_rows(engine, scan_id, check_id, profile=profile, control_id=control_id):
        outcome.setdefault(key_of(row, names), []).append(row)
    for rows in outcome.values():
        rows.sort(key=lambda r: (r["status"], r["message"]))
    return outcome


def statuses(outcome: Outcome, key: str) -> list[str]:
    return [r["status"] for r in outcome.get(key, [])]


def changes(golden: Outcome, mutated: Outcome) -> dict[str, list[str]]:
    """Keys whose statuses differ after a mutation, with their new statuses ([] when the row vanished)."""
    return {k: statuses(mutated, k) for k in golden.keys() | mutated.keys()
            if statuses(golden, k) != statuses(mutated, k)}


def only_change(golden: Outcome, mutated: Outcome, key: str) -> list[str]:
    """The statuses of ``key`` after a mutation, asserting that no other row changed status."""
    others = {k: v for k, v in changes(golden, mutated).items() if k != key}
    assert not others, f"rows other than {key!r} changed: {others}"
    return statuses(mutated, key)


def all_statuses(outcome: Outcome) -> set[str]:
    return {r["status"] for rows in outcome.values() for r in rows}


def row(outcome: Outcome, key: str) -> dict:
    rows = outcome.get(key, [])
    assert len(rows) == 1, f"expected one row for {key!r}, got {rows}"
    return rows[0]
