"""The Azure connector against the golden estate and one-field mutations, over real HTTP."""

from datetime import UTC, datetime

import pytest
from azure_support import resource, sub_id

from inventory.rows import ScopeExcluded, Setting

GROUP = "microsoft.resources/subscriptions/resourcegroups"


def expected_uids(estate: dict) -> set[str]:
    uids = set()
    for sub in estate["subscriptions"]:
        if sub.get("forbidden"):
            continue
        uids |= {r["id"] for r in sub["resources"]}
        uids |= {f"/subscriptions/{sub['subscription_id']}/resourceGroups/{g['name']}" for g in sub["resource_groups"]}
    return uids


def test_golden_estate_is_collected_completely(scan, estate):
    result = scan(estate)
    assert result.errors == []
    assert {a: acc.name for a, acc in result.accounts.items()} == {
        s["subscription_id"]: s["display_name"] for s in estate["subscriptions"]}
    assert all(a.kind == "azure-subscription" and a.created_at is None for a in result.accounts.values())
    assert set(result.resources) == expected_uids(estate)
    for sub in estate["subscriptions"]:
        for declared in sub["resources"]:
            row = result.resources[declared["id"]]
            assert row.account_id == sub["subscription_id"]
            assert row.type == declared["type"].lower()
            assert row.region == declared["location"].lower()
            assert row.created_at == datetime.fromisoformat(declared["createdTime"].replace("0000000Z", "Z"))
            assert row.created_at.tzinfo is not None
            assert row.tags == (declared.get("tags") or {})
            assert row.raw["properties"] == declared.get("properties", {})


def test_management_group_placement(scan, estate):
    accounts = scan(estate).accounts
    for sub in estate["subscriptions"]:
        assert accounts[sub["subscription_id"]].parent_id == (
            f"/providers/Microsoft.Management/managementGroups/{sub['management_groups'][0]}")


def test_management_group_scope_keeps_only_its_subscriptions(scan, estate):
    result = scan(estate, management_group="mg-bz-dev")
    assert set(result.accounts) == {sub_id(estate, "bz-dev"), sub_id(estate, "bz-sandbox")}
    assert all(r.account_id != sub_id(estate, "bz-prod") for r in result.resources.values())


def left_out(result) -> dict[str, tuple]:
    return {r.account_id: (r.name, r.config_field, r.source_api, r.region) for r in result.of(ScopeExcluded)}


def test_management_group_scope_records_the_subscriptions_it_leaves_out(scan, estate):
    """#11 point 15: scope left out by configuration is recorded, not silent."""
    result = scan(estate, management_group="mg-bz-dev")
    assert left_out(result) == {sub_id(estate, "bz-prod"): ("bz-prod", "management_group", "resourcegraph:Resources", None)}


def test_subscription_list_records_the_visible_subscriptions_it_leaves_out(scan, estate):
    result = scan(estate, subscriptions=[sub_id(estate, "bz-dev").upper()])
    assert set(result.accounts) == {sub_id(estate, "bz-dev")}
    assert left_out(result) == {sub_id(estate, name): (name, "subscriptions", "resources:ListSubscriptions", None)
                                for name in ("bz-prod", "bz-sandbox")}
    assert result.errors == []


def test_every_subscription_scanned_leaves_nothing_out(scan, estate):
    assert left_out(scan(estate)) == {}
    assert left_out(scan(estate, subscriptions=[s["subscription_id"] for s in estate["subscriptions"]])) == {}


def test_resource_groups_are_resources_with_locations(scan, estate):
    groups = {r.name: r for r in scan(estate).resources.values() if r.type == GROUP}
    assert {name: g.region for name, g in groups.items()} == {"rg-data": "westeurope", "rg-app": "northeurope",
                                                             "rg-dev": "westeurope"}
    assert not any(g.stores_data for g in groups.values())


def test_logical_locations_are_stored_as_reported(scan, estate):
    resources = {r.name: r for r in scan(estate).resources.values()}
    assert resources["bz.example.nl"].region == "global"
    assert resources["app-bz-dev"].region == "europe"


@pytest.mark.parametrize(("name", "location"), [("stbzpublic", "chinaeast2"), ("vm-app", "WestEurope"),
                                                ("app-bz-dev", "global")])
def test_location_mutation(scan, estate, name, location):
    resource(estate, name)["location"] = location
    row = next(r for r in scan(estate).resources.values() if r.name == name)
    assert row.region == location.lower()


GOLDEN_ENCRYPTION = {  # name: (stores_data, encrypted, key_custody, key_id)
    "stbzdossiers": (True, True, "customer", "https://kv-bz-keys.vault.azure.net/keys/st-cmk/0a1b2c"),
    "stbzpublic": (True, True, "provider", None),
    "vm-app-osdisk": (True, True, "provider", None),
    "snap-dossiers": (True, True, "customer", "/subscriptions/3f1c8a52-6f0e-4c1b-9d7a-0a1b2c3d4e01/resourceGroups/"
                                              "rg-data/providers/Microsoft.Compute/diskEncryptionSets/des-bz"),
    "dossiers": (True, True, "provider", None),
    "master": (False, None, None, None),
    "sql-bz": (False, None, "provider", None),
    "cosmos-bz": (True, True, "customer", "https://kv-bz-keys.vault.azure.net/keys/cosmos-cmk"),
    "kv-bz-keys": (True, True, "provider", None),
    "hsm-bz": (True, True, "customer", None),
    "vm-app": (False, None, None, None),
    "bz.example.nl": (False, None, None, None),
}


def encryption_of(result, name):
    row = next(r for r in result.resources.values() if r.name == name)
    return row.stores_data, row.encrypted, row.key_custody, row.key_id


def test_golden_encryption(scan, estate):
    result = scan(estate)
    assert {name: encryption_of(result, name) for name in GOLDEN_ENCRYPTION} == GOLDEN_ENCRYPTION


def _storage_to_provider_key(estate):
    resource(estate, "stbzdossiers")["properties"]["encryption"]["keySource"] = "Microsoft.Storage"


def _storage_to_cmk(estate):
    resource(estate, "stbzpublic")["properties"]["encryption"]["keySource"] = "Microsoft.Keyvault"


def _disk_to_cmk(estate):
    resource(estate, "vm-app-osdisk")["properties"]["encryption"]["type"] = "EncryptionAtRestWithPlatformAndCustomerKeys"


def _snapshot_to_platform_key(estate):
    resource(estate, "snap-dossiers")["properties"]["encryption"]["type"] = "EncryptionAtRestWithPlatformKey"


def _tde_disabled(estate):
    resource(estate, "dossiers")["transparentDataEncryption"]["state"] = "Disabled"


def _protector_to_key_vault(estate):
    resource(estate, "sql-bz")["encryptionProtector"] = {
        "serverKeyType": "AzureKeyVault", "uri": "https://kv-bz-keys.vault.azure.net/keys/tde/1"}


def _cosmos_without_cmk(estate):
    del resource(estate, "cosmos-bz")["properties"]["keyVaultKeyUri"]


MUTATIONS = [
    (_storage_to_provider_key, "stbzdossiers", (True, True, "provider", None)),
    (_storage_to_cmk, "stbzpublic", (True, True, "customer", None)),
    (_disk_to_cmk, "vm-app-osdisk", (True, True, "customer", None)),
    (_snapshot_to_platform_key, "snap-dossiers", (True, True, "provider", None)),
    (_tde_disabled, "dossiers", (True, False, "none", None)),
    (_protector_to_key_vault, "dossiers", (True, True, "customer", "https://kv-bz-keys.vault.azure.net/keys/tde/1")),
    (_protector_to_key_vault, "sql-bz", (False, None, "customer", "https://kv-bz-keys.vault.azure.net/keys/tde/1")),
    (_cosmos_without_cmk, "cosmos-bz", (True, True, "provider", None)),
]


@pytest.mark.parametrize(("mutate", "name", "expected"), MUTATIONS, ids=[m[0].__name__ for m in MUTATIONS])
def test_encryption_mutation(scan, estate, mutate, name, expected):
    mutate(estate)
    result = scan(estate)
    assert encryption_of(result, name) == expected
    others = {n: v for n, v in GOLDEN_ENCRYPTION.items() if n not in {name, "dossiers", "sql-bz"}}
    assert {n: encryption_of(result, n) for n in others} == others


def test_missing_tde_is_an_error_not_a_pass(scan, estate):
    del resource(estate, "dossiers")["transparentDataEncryption"]
    result = scan(estate)
    assert encryption_of(result, "dossiers") == (True, None, None, None)
    [error] = result.errors
    assert (error.area, error.account_id, error.call) == (
        "inventory", sub_id(estate, "bz-prod"), "sql:GetTransparentDataEncryption")
    assert "404" in error.error


def test_defender_plans(scan, estate):
    services = scan(estate).services(sub_id(estate, "bz-prod"))
    plans = {name: s.enabled for name, s in services.items() if name.startswith("defender:")}
    assert plans == {"defender:VirtualMachines": True, "defender:StorageAccounts": False, "defender:SqlServers": True}
    assert services["defender:VirtualMachines"].detail == "Standard/P2"


def test_defender_tier_mutation(scan, estate):
    prod = next(s for s in estate["subscriptions"] if s["display_name"] == "bz-prod")
    prod["pricings"][0]["pricingTier"] = "Free"
    services = scan(estate).services(sub_id(estate, "bz-prod"))
    assert services["defender:VirtualMachines"].enabled is False
    assert services["defender:SqlServers"].enabled is True


def test_sentinel(scan, estate):
    result = scan(estate)
    prod = result.services(sub_id(estate, "bz-prod"))["sentinel"]
    assert prod.enabled and prod.detail.endswith("/workspaces/law-soc") and prod.region == "westeurope"
    assert result.services(sub_id(estate, "bz-dev"))["sentinel"].enabled is False


def test_sentinel_mutation(scan, estate):
    resource(estate, "SecurityInsights(law-soc)")["id"] = resource(estate, "SecurityInsights(law-soc)")["id"].replace(
        "SecurityInsights(law-soc)", "Updates(law-soc)")
    assert scan(estate).services(sub_id(estate, "bz-prod"))["sentinel"].enabled is False


def allowed(settings: list[Setting]) -> dict[str | None, str]:
    return {s.region: s.value for s in settings if s.key == "policy.allowed_locations"}


def test_allowed_locations_direct_initiative_and_none(scan, estate):
    result = scan(estate)
    assert allowed(result.settings(sub_id(estate, "bz-prod"))) == {"westeurope": "Default", "northeurope": "Default"}
    dev = result.settings(sub_id(estate, "bz-dev"))
    assert allowed(dev) == {"westeurope": "DoNotEnforce", "germanywestcentral": "DoNotEnforce"}
    assert dev[0].raw["initiative"].endswith("/policySetDefinitions/bz-baseline")
    assert allowed(result.settings(sub_id(estate, "bz-sandbox"))) == {None: "none"}


def test_initiative_default_parameter_is_used_when_assignment_gives_none(scan, estate):
    dev = next(s for s in estate["subscriptions"] if s["display_name"] == "bz-dev")
    del dev["policy_assignments"][0]["properties"]["parameters"]["regions"]
    assert allowed(scan(estate).settings(sub_id(estate, "bz-dev"))) == {"westeurope": "DoNotEnforce"}


def test_enforcement_mode_mutation(scan, estate):
    prod = next(s for s in estate["subscriptions"] if s["display_name"] == "bz-prod")
    prod["policy_assignments"][0]["properties"]["enforcementMode"] = "DoNotEnforce"
    assert set(allowed(scan(estate).settings(sub_id(estate, "bz-prod"))).values()) == {"DoNotEnforce"}


def test_created_time_comes_from_arm_and_is_utc(scan, estate):
    resource(estate, "vm-app")["createdTime"] = "2023-12-31T23:30:00+01:00"
    row = next(r for r in scan(estate).resources.values() if r.name == "vm-app")
    assert row.created_at == datetime(2023, 12, 31, 22, 30, tzinfo=UTC)
    assert row.created_at.utcoffset().total_seconds() == 0
