"""A synthetic inventory for the benchmark: a deterministic, streamed estate of N resources.

``inventory(n, seed, scan, changed)`` yields rows (the ``inventory.rows`` types connectors yield) in the order a
scan produces them: per account its Account row, its Collection rows, its SecurityService rows,
then its resources. Nothing is kept between accounts, so memory stays flat whatever N is. A later
``scan`` of the same estate is the same except for a ``changed`` fraction of the resources, whose
state tag and raw answer carry the scan number (a repeated scan of an estate that changed a little).
``register(n, seed)`` is the matching register: most accounts are in it, many with a default
classification.

The mix: providers aws/azure/gcp/m365 (40/30/20/10 % of the accounts), about N/1000 accounts,
regions mostly in the EEA with some us-east-1, cn-north-1 and global ones (and GCP multi-regions
eu and eur5 and zones), a classification tag on ~30 % of the resources, ~45 % storage-bearing
resources of which most are encrypted, and a raw API answer of 450-750 bytes (about 580 on average).
"""

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

from inventory.rows import Account, Collection, Resource, Row, SecurityService
from scanner.register import AcceptedRisk, Attestation, ExitStrategy, Register, RiskAssessment, Service

RESOURCES_PER_ACCOUNT = 1000
PROVIDERS = ("aws",) * 4 + ("azure",) * 3 + ("gcp",) * 2 + ("m365",)
KIND = {"aws": "aws-account", "azure": "azure-subscription", "gcp": "gcp-project", "m365": "m365-tenant"}
# (region, weight); None = the API reports no location.
REGIONS = {
    "aws": (("eu-west-1", 30), ("eu-central-1", 25), ("eu-north-1", 8), ("eu-west-3", 7), ("eu-west-1a", 5),
            ("us-east-1", 12), ("cn-north-1", 3), ("global", 10)),
    "azure": (("westeurope", 45), ("northeurope", 25), ("germanywestcentral", 5), ("swedencentral", 5),
              ("eastus", 8), ("global", 10), (None, 2)),
    "gcp": (("europe-west4", 35), ("europe-west1", 10), ("europe-west4-a", 10), ("eu", 15), ("eur5", 5),
            ("us-east1", 10), ("global", 15)),
    "m365": (("eur", 80), ("deu", 8), ("nam", 7), (None, 5)),
}
# (type, stores_data, source_api, weight)
TYPES = {
    "aws": (("s3.bucket", True, "s3:ListBuckets", 20), ("ec2.volume", True, "ec2:DescribeVolumes", 20),
            ("rds.db-instance", True, "rds:DescribeDBInstances", 5), ("dynamodb.table", True, "dynamodb:ListTables", 5),
            ("ec2.instance", False, "ec2:DescribeInstances", 25), ("lambda.function", False, "lambda:ListFunctions", 15),
            ("iam.role", False, "tag:GetResources", 10)),
    "azure": (("microsoft.storage/storageaccounts", True, "resourcegraph:resources", 20),
              ("microsoft.compute/disks", True, "resourcegraph:resources", 25),
              ("microsoft.sql/servers/databases", True, "resourcegraph:resources", 5),
              ("microsoft.compute/virtualmachines", False, "resourcegraph:resources", 25),
              ("microsoft.network/networkinterfaces", False, "resourcegraph:resources", 25)),
    "gcp": (("storage.googleapis.com/Bucket", True, "cloudasset:searchAllResources", 25),
            ("compute.googleapis.com/Disk", True, "cloudasset:searchAllResources", 20),
            ("compute.googleapis.com/Instance", False, "cloudasset:searchAllResources", 30),
            ("pubsub.googleapis.com/Topic", False, "cloudasset:searchAllResources", 25)),
    "m365": (("m365.site", True, "graph:GET /sites/getAllSites", 30), ("m365.onedrive", True, "graph:GET /drives", 30),
             ("m365.mailbox", True, "graph:GET /users/{id}/mailboxSettings", 30),
             ("m365.team", False, "graph:GET /groups", 10)),
}
CLASSIFICATIONS = (("intern", 40), ("openbaar", 15), ("persoonsgegevens", 25), ("bijzondere-persoonsgegevens", 5),
                   ("basisregistratie-afnemer", 5), ("basisregistratie-bron", 3), ("tbb1", 3), ("tbb2", 2),
                   ("staatsgeheim", 1), ("Vertrouwelijk", 1))  # the last is not a known value: counts as none
SECURITY = {"aws": ("guardduty", "securityhub", "macie"), "azure": ("defender:storageaccounts", "sentinel"),
            "gcp": ("scc",), "m365": ()}
EPOCH = datetime(2018, 1, 1, tzinfo=UTC)


def _table(pairs) -> list:
    """Expand (value, weight) pairs into a list to draw from with one random index."""
    return [value for value, weight in pairs for _ in range(weight)]


REGION_DRAW = {p: _table(r) for p, r in REGIONS.items()}
TYPE_DRAW = {p: _table(((t, s, a), w) for t, s, a, w in types) for p, types in TYPES.items()}
CLASS_DRAW = _table(CLASSIFICATIONS)


def account_ids(n: int) -> list[tuple[str, str, int]]:
    """(provider, account id, resource count) per account; about n/1000 accounts."""
    count = max(1, n // RESOURCES_PER_ACCOUNT)
    accounts = []
    for i in range(count):
        provider = PROVIDERS[i % len(PROVIDERS)]
        account = {"aws": f"{100000000000 + i:012d}", "azure": f"00000000-0000-4000-8000-{i:012d}",
                   "gcp": f"bench-project-{i:05d}", "m365": f"11111111-0000-4000-8000-{i:012d}"}[provider]
        accounts.append((provider, account, n // count + (1 if i < n % count else 0)))
    return accounts


def _uid(provider: str, account: str, type_: str, region: str | None, i: int) -> str:
    if provider == "aws":
        return f"arn:aws:{type_.split('.')[0]}:{region or ''}:{account}:{type_.split('.')[1]}/bench-{i:07d}"
    if provider == "azure":
        return f"/subscriptions/{account}/resourceGroups/rg-bench-{i % 50:02d}/providers/{type_}/bench{i:07d}"
    if provider == "gcp":
        return f"//{type_.split('/')[0]}/projects/{account}/locations/{region}/{type_.split('/')[1].lower()}s/bench-{i:07d}"
    return f"{account}-{type_.split('.')[1]}-{i:07d}"


def _tags(rng: random.Random, i: int) -> dict:
    tags = {"environment": ("production", "acceptance", "test", "development")[i % 4],
            "owner": f"team-{i % 37:02d}@example.nl", "cost-centre": f"CC{1000 + i % 211}"}
    if rng.random() < 0.30:
        tags["classification"] = CLASS_DRAW[rng.randrange(len(CLASS_DRAW))]
    if rng.random() < 0.02:
        tags["pet"] = "pseudonymisation"
    return tags


def _encryption(rng: random.Random, provider: str, account: str, i: int) -> tuple:
    """encrypted, key_custody, key_id for a storage-bearing resource."""
    draw = rng.random()
    if draw < 0.05:
        return None, None, None  # not observed
    if draw < 0.15:
        return False, "none", None
    if draw < 0.40 and provider != "m365":
        return True, "customer", f"{provider}-kms://{account}/keys/bench-{i % 20:02d}"
    if draw < 0.42 and provider != "m365":
        return True, "external", f"{provider}-ekm://{account}/keys/hsm-{i % 3}"
    return True, "provider", None


def _raw(provider: str, uid: str, type_: str, region, created: datetime, tags: dict, encrypted, key_id) -> dict:
    """An API answer of about 580 bytes as JSON, shaped like a provider's."""
    return {"id": uid, "type": type_, "location": region, "provider": provider, "createTime": created.isoformat(),
            "labels": tags, "state": "ACTIVE", "sku": "Standard_LRS",
            "encryption": {"enabled": encrypted, "keySource": "customer" if key_id else "platform", "keyId": key_id},
            "properties": {"provisioningState": "Succeeded", "minimumTlsVersion": "TLS1_2",
                           "supportsHttpsTrafficOnly": True, "publicNetworkAccess": "Disabled"}}


def _changes(i: int, changed: float) -> bool:
    """Whether resource ``i`` is one of the ``changed`` fraction that differ in a later scan (spread evenly)."""
    return (i * 7919) % 10000 < changed * 10000


def _resources(rng: random.Random, provider: str, account: str, count: int, start: int, scan: int,
               changed: float) -> Iterator[Row]:
    regions, types = REGION_DRAW[provider], TYPE_DRAW[provider]
    for i in range(start, start + count):
        region = regions[rng.randrange(len(regions))]
        type_, stores_data, source_api = types[rng.randrange(len(types))]
        uid, tags = _uid(provider, account, type_, region, i), ({} if provider == "m365" else _tags(rng, i))
        if scan > 1 and _changes(i, changed):
            tags = {**tags, "state": f"scan-{scan}"}
        created = None if rng.random() < 0.1 else EPOCH + timedelta(seconds=rng.randrange(9 * 365 * 86400))
        encrypted, custody, key_id = _encryption(rng, provider, account, i) if stores_data else (None, None, None)
        yield Resource(
            provider=provider, account_id=account, uid=uid, type=type_, name=uid.rsplit("/", 1)[-1], region=region,
            created_at=created, tags=tags, stores_data=stores_data, encrypted=encrypted, key_custody=custody,
            key_id=key_id, source_api=source_api,
            raw=_raw(provider, uid, type_, region, created or EPOCH, tags, encrypted, key_id))


def _account_rows(rng: random.Random, index: int, provider: str, account: str, count: int) -> Iterator[Row]:
    estate = f"bench-{provider}"
    yield Account(provider=provider, account_id=account, name=f"Bench {provider} {index}", kind=KIND[provider],
                  estate=estate, parent_id=f"{provider}-org-root", created_at=EPOCH + timedelta(days=index % 3000),
                  raw={"id": account, "state": "ACTIVE"})
    failed = index % 97 == 5  # about 1 % of the accounts: a failed security-services call
    yield Collection(provider=provider, estate=estate, account_id=account, area="inventory", call="inventory:list",
                     ok=True, item_count=count)
    if SECURITY[provider]:
        yield Collection(provider=provider, estate=estate, account_id=account, area="security_services",
                         call="security:list", ok=not failed, error="AccessDenied: not authorised" if failed else None,
                         permission="security:List*" if failed else None, item_count=None if failed else 1)
    for service in () if failed else SECURITY[provider]:
        enabled = rng.random() < 0.5
        yield SecurityService(provider=provider, account_id=account, service=service, enabled=enabled,
                              detail="ENABLED" if enabled else "DISABLED", source_api=f"{service}:status",
                              raw={"status": enabled})


def inventory(n: int, seed: int = 1, scan: int = 1, changed: float = 0.0) -> Iterator[Row]:
    """The whole estate as rows (``inventory.rows`` types), streamed account by account; in ``scan`` 2 and
    later, a ``changed`` fraction of the resources differs from the first scan."""
    rng, start = random.Random(seed), 0
    for index, (provider, account, count) in enumerate(account_ids(n)):
        yield from _account_rows(rng, index, provider, account, count)
        yield from _resources(rng, provider, account, count, start, scan, changed)
        start += count


def register(n: int, seed: int = 1) -> Register:
    """A register for the estate: 90 % of the accounts, 60 % of those with a default classification."""
    rng, services = random.Random(seed + 1), []
    for index, (provider, account, _count) in enumerate(account_ids(n)):
        if index % 10 == 9:
            continue  # not in the register
        complete = rng.random() < 0.6
        services.append(Service(
            provider=provider, account=account, name=f"Service {index}", owner=f"owner-{index % 13}@example.nl",
            material=rng.random() < 0.7,
            classification=CLASS_DRAW[rng.randrange(len(CLASS_DRAW) - 1)] if rng.random() < 0.6 else None,
            service_model=("IaaS", "PaaS", "SaaS")[index % 3],
            risk_assessment=RiskAssessment(reference=f"DPIA-{index}", date=date(2025, 1, 1 + index % 28),
                                           covers_jurisdiction=complete) if rng.random() < 0.8 else None,
            exit_strategy=ExitStrategy(portability_terms="art. 12", alternative="on-premises",
                                       crisis="plan C" if complete else None, regular="tender" if complete else None),
            exit_plan=f"EXIT-{index}" if complete else None, emergency_plan=f"NOOD-{index}" if complete else None,
            right_to_audit=complete or None, sub_processors=["Sub B.V."],
            declared_regions=[r for r, _w in REGIONS[provider] if r and not r.startswith(("us", "cn", "nam"))],
            reported_to_cio_rijk=date(2025, 6, 1) if complete else None,
            in_use_since=date(2019, 1, 1) + timedelta(days=index % 3000)))
    first = account_ids(n)[0]
    return Register(
        service=services,
        accepted_risk=[AcceptedRisk(control="RBC26-EEA", provider=first[0], account=first[1], justification="bench",
                                    approver="CISO", date=date(2026, 1, 1), expires=date(2027, 1, 1))],
        attestation=[Attestation(control="RBC22-POLICY", reference="Beleid 2025", attested_by="CIO",
                                 date=date(2025, 1, 1))])
