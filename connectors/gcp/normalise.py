"""Turn Cloud Asset answers into the scanner's normalised values: location, key custody, storage.

Pure functions over plain dicts (camelCase, as the API returns them), so they are easy to read
next to the API reference.
"""

import re

PROJECT_TYPE = "cloudresourcemanager.googleapis.com/Project"
CRYPTO_KEY_TYPE = "cloudkms.googleapis.com/CryptoKey"
SERVICE_TYPE = "serviceusage.googleapis.com/Service"

# Storage-bearing asset types: their encryption at rest is judged (RBC26-ENCRYPT).
STORAGE_TYPES = frozenset({
    "storage.googleapis.com/Bucket",
    "compute.googleapis.com/Disk",
    "compute.googleapis.com/Snapshot",
    "compute.googleapis.com/Image",
    "compute.googleapis.com/MachineImage",
    "sqladmin.googleapis.com/Instance",
    "bigquery.googleapis.com/Dataset",
    "bigquery.googleapis.com/Table",
    "spanner.googleapis.com/Instance",
    "spanner.googleapis.com/Database",
    "firestore.googleapis.com/Database",
    "datastore.googleapis.com/Database",
    "file.googleapis.com/Instance",
    "file.googleapis.com/Backup",
    "pubsub.googleapis.com/Topic",
    "bigtableadmin.googleapis.com/Instance",
    "bigtableadmin.googleapis.com/Table",
    "alloydb.googleapis.com/Cluster",
    "redis.googleapis.com/Instance",
    "logging.googleapis.com/LogBucket",
    "artifactregistry.googleapis.com/Repository",
    "secretmanager.googleapis.com/Secret",
})

# Where list_assets' resource.data names the customer-managed key (and, for Compute, a
# customer-supplied key, recognisable by its sha256). Types listed here are read in full; for the
# other types (e.g. BigQuery tables, which can be numerous) searchAllResources' kmsKeys is used.
KEY_FIELDS = {
    "storage.googleapis.com/Bucket": ("encryption", "defaultKmsKeyName"),
    "compute.googleapis.com/Disk": ("diskEncryptionKey", "kmsKeyName"),
    "compute.googleapis.com/Snapshot": ("snapshotEncryptionKey", "kmsKeyName"),
    "compute.googleapis.com/Image": ("imageEncryptionKey", "kmsKeyName"),
    "sqladmin.googleapis.com/Instance": ("diskEncryptionConfiguration", "kmsKeyName"),
    "bigquery.googleapis.com/Dataset": ("defaultEncryptionConfiguration", "kmsKeyName"),
}
DETAIL_TYPES = (*KEY_FIELDS, CRYPTO_KEY_TYPE)

# Cloud KMS protection levels whose key material lives outside Google (Cloud EKM).
EXTERNAL_LEVELS = frozenset({"EXTERNAL", "EXTERNAL_VPC"})

ZONE = re.compile(r"^([a-z]+-[a-z]+[0-9]+)-[a-z]$")


def region_of(location: str | None) -> str | None:
    """Lower-case location; a zone (europe-west4-a) becomes its region. Multi- and dual-regions
    (eu, eur4, nam-eur-asia1) and ``global`` are kept as they are."""
    if not location:
        return None
    location = location.strip().lower()
    zone = ZONE.match(location)
    return zone.group(1) if zone else location


def key_name(ref: str, project_ids: dict[str, str]) -> str:
    """A Cloud KMS key reference as ``projects/ID/locations/L/keyRings/R/cryptoKeys/K``:
    without the service prefix and key version, with a project number replaced by its id."""
    ref = ref.removeprefix("//cloudkms.googleapis.com/")
    ref = ref.split("/cryptoKeyVersions/")[0]
    parts = ref.split("/")
    if len(parts) > 1 and parts[0] == "projects" and parts[1] in project_ids:
        parts[1] = project_ids[parts[1]]
    return "/".join(parts)


def protection_level(key_data: dict) -> str | None:
    """The protection level of a CryptoKey's new versions (falls back to the primary version)."""
    return ((key_data.get("versionTemplate") or {}).get("protectionLevel")
            or (key_data.get("primary") or {}).get("protectionLevel"))


def detail_key(asset_type: str, data: dict) -> tuple[str | None, bool]:
    """(KMS key name, customer-supplied key?) from list_assets' resource.data."""
    path = KEY_FIELDS.get(asset_type)
    if not path:
        return None, False
    block = data.get(path[0]) or {}
    kms = block.get(path[1])
    return kms or None, bool(not kms and block.get("sha256"))


def encryption(asset_type: str, keys: list[str], supplied: bool,
               levels: dict[str, str]) -> tuple[bool | None, str | None, str | None]:
    """(encrypted, key_custody, key_id) for one resource.

    Google encrypts all data at rest; custody is ``customer`` for a Cloud KMS key (CMEK),
    ``external`` when that key is a Cloud EKM key (protection level EXTERNAL/EXTERNAL_VPC) or the
    customer supplies the key with each request (CSEK), else ``provider``. A key held in a
    project outside the scan's scope has an unknown protection level and counts as ``customer``.
    """
    if keys:
        external = any(levels.get(k) in EXTERNAL_LEVELS for k in keys)
        return True, "external" if external else "customer", keys[0]
    if supplied:
        return True, "external", None
    if asset_type in STORAGE_TYPES:
        return True, "provider", None
    return None, None, None


def policy_value(policy: dict) -> str:
    """The effective gcp.resourceLocations policy as readable text, e.g.
    ``allowed=in:eu-locations,europe-west4``; ``unset`` when no rule applies."""
    parts = []
    for rule in (policy.get("spec") or {}).get("rules") or []:
        if rule.get("allowAll"):
            parts.append("allow_all")
        if rule.get("denyAll"):
            parts.append("deny_all")
        values = rule.get("values") or {}
        for kind in ("allowed", "denied"):
            if values.get(f"{kind}Values"):
                parts.append(f"{kind}=" + ",".join(values[f"{kind}Values"]))
        if rule.get("condition"):
            parts.append("conditional")
    return ";".join(parts) or "unset"
