"""Encryption at rest and key custody of Azure resources.

Storage accounts, managed disks, snapshots, Cosmos DB and Key Vault are judged from the
Resource Graph ``properties``. Azure SQL keeps TDE and the encryption protector in child proxy
resources that Resource Graph does not show, so they are read from ARM
(``.../transparentDataEncryption/current`` per database, ``.../encryptionProtector/current``
per server). Custody: ``provider`` = platform/service-managed key, ``customer`` = customer-managed
key in Key Vault or a Managed HSM (still the CSP's key service).
"""

from collections.abc import Callable
from dataclasses import dataclass

SQL_API_VERSION = "2021-11-01"  # TDE reports properties.state from this version on
SQL_SERVER = "microsoft.sql/servers"
SQL_DATABASE = "microsoft.sql/servers/databases"
SQL_SYSTEM_DATABASES = {"master"}  # TDE does not apply to the logical master database


@dataclass
class AtRest:
    """What the scanner stores about a resource's encryption at rest."""

    stores_data: bool = False
    encrypted: bool | None = None
    key_custody: str | None = None
    key_id: str | None = None


def storage_account(props: dict) -> AtRest:
    """Storage service encryption cannot be switched off; ``keySource`` says who holds the key."""
    encryption = props.get("encryption")
    if not encryption:
        return AtRest(stores_data=True)
    source = (encryption.get("keySource") or "").lower()
    vault = encryption.get("keyvaultproperties") or encryption.get("keyVaultProperties") or {}
    key_id = None
    if vault.get("keyvaulturi") and vault.get("keyname"):
        key_id = f"{vault['keyvaulturi'].rstrip('/')}/keys/{vault['keyname']}"
        key_id += f"/{vault['keyversion']}" if vault.get("keyversion") else ""
    custody = {"microsoft.storage": "provider", "microsoft.keyvault": "customer"}.get(source)
    return AtRest(True, True, custody, key_id if custody == "customer" else None)


def disk(props: dict) -> AtRest:
    """Managed disks and snapshots: ``encryption.type`` names the key; a disk encryption set holds a CMK."""
    kind = ((props.get("encryption") or {}).get("type") or "").lower()
    if not kind:
        return AtRest(stores_data=True)
    custody = "customer" if "customerkey" in kind else "provider" if "platformkey" in kind else None
    key_id = (props.get("encryption") or {}).get("diskEncryptionSetId") if custody == "customer" else None
    return AtRest(True, True, custody, key_id)


def cosmos(props: dict) -> AtRest:
    """Cosmos DB is always encrypted; ``keyVaultKeyUri`` is present only with a customer-managed key."""
    key = props.get("keyVaultKeyUri")
    return AtRest(True, True, "customer" if key else "provider", key or None)


def key_vault(props: dict) -> AtRest:
    """Key Vault keeps keys in the provider's multi-tenant HSMs."""
    return AtRest(True, True, "provider")


def managed_hsm(props: dict) -> AtRest:
    """Managed HSM is single-tenant; the customer holds the security domain."""
    return AtRest(True, True, "customer")


BY_TYPE: dict[str, Callable[[dict], AtRest]] = {
    "microsoft.storage/storageaccounts": storage_account,
    "microsoft.compute/disks": disk,
    "microsoft.compute/snapshots": disk,
    "microsoft.documentdb/databaseaccounts": cosmos,
    "microsoft.keyvault/vaults": key_vault,
    "microsoft.keyvault/managedhsms": managed_hsm,
}


def at_rest(row: dict) -> AtRest:
    """Encryption of a Resource Graph row whose answer is in its own properties."""
    judge = BY_TYPE.get((row.get("type") or "").lower())
    return judge(row.get("properties") or {}) if judge else AtRest()


def sql_protector(props: dict | None) -> AtRest:
    """A SQL server's encryption protector: ServiceManaged or a Key Vault key (customer-managed TDE)."""
    if props is None:
        return AtRest()
    key_type = (props.get("serverKeyType") or "").lower()
    custody = {"servicemanaged": "provider", "azurekeyvault": "customer"}.get(key_type)
    return AtRest(False, None, custody, props.get("uri") if custody == "customer" else None)


def sql_database(tde: dict | None, protector: AtRest) -> AtRest:
    """A database's TDE state; the key custody is its server's protector. None when not observed."""
    state = (tde or {}).get("state") or (tde or {}).get("status")
    encrypted = {"enabled": True, "disabled": False}.get((state or "").lower())
    custody = protector.key_custody if encrypted else ("none" if encrypted is False else None)
    return AtRest(True, encrypted, custody, protector.key_id if encrypted else None)


def is_sql_database(row: dict) -> bool:
    name = (row.get("id") or "").rstrip("/").rsplit("/", 1)[-1].lower()
    return (row.get("type") or "").lower() == SQL_DATABASE and name not in SQL_SYSTEM_DATABASES


def is_sql_server(row: dict) -> bool:
    return (row.get("type") or "").lower() == SQL_SERVER
