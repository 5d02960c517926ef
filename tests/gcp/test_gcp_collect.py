"""The golden GCP estate and one-field mutations of it, through the real SDK over HTTP."""

from datetime import UTC, datetime

import pytest

from inventory.rows import Account, Resource
from tests.gcp.gcp_estate import KEYRING, find

CMEK = f"{KEYRING}/cryptoKeys/cmek"
EKM = f"{KEYRING}/cryptoKeys/ekm"

# uid suffix -> (account, region, stores_data, encrypted, key_custody, key_id)
GOLDEN = {
    "/data-cmek": ("ministerie-data", "europe-west4", True, True, "customer", CMEK),
    "/data-google": ("ministerie-data", "europe-west4", True, True, "provider", None),
    "/datasets/stats": ("ministerie-data", "eu", True, True, "provider", None),
    "/disks/vm-disk": ("ministerie-data", "europe-west4", True, True, "customer", CMEK),
    "/instances/db": ("ministerie-data", "europe-west4", True, True, "external", EKM),
    "/networks/vpc": ("ministerie-data", "global", False, None, None, None),
    "/cryptoKeys/cmek": ("ministerie-data", "europe-west4", False, None, None, None),
    "/cryptoKeys/ekm": ("ministerie-data", "europe-west4", False, None, None, None),
    "/apps-eur4": ("ministerie-apps", "eur4", True, True, "provider", None),
    "/instances/web": ("ministerie-apps", "europe-west4", False, None, None, None),
    "/services/securitycenter.googleapis.com": ("ministerie-apps", "global", False, None, None, None),
}


def test_golden_projects(scan):
    accounts = scan().accounts()
    assert sorted(accounts) == ["ministerie-apps", "ministerie-data"]
    data = accounts["ministerie-data"]
    assert (data.kind, data.name, data.parent_id, data.estate) == ("gcp-project", "Ministerie data", "folders/200", "gcp-test")
    assert data.created_at == datetime(2024, 5, 1, 8, tzinfo=UTC)
    assert accounts["ministerie-apps"].parent_id == "organizations/100"
    assert data.raw["additionalAttributes"]["projectId"] == "ministerie-data"


def test_golden_resources(scan):
    rows = scan()
    resources = rows.of(Resource)
    assert len(resources) == len(GOLDEN)  # the two Project assets are Account rows, not resources
    for suffix, expected in GOLDEN.items():
        r = rows.resource(suffix)
        assert (r.account_id, r.region, r.stores_data, r.encrypted, r.key_custody, r.key_id) == expected, suffix
        assert r.provider == "gcp" and r.created_at == datetime(2025, 2, 3, 4, 5, 6, 789000, tzinfo=UTC)
    bucket = rows.resource("/data-google")
    assert (bucket.type, bucket.name, bucket.tags) == ("storage.googleapis.com/Bucket", "data-google",
                                                       {"classification": "openbaar", "team": "web"})
    assert bucket.source_api == "cloudasset:SearchAllResources+cloudasset:ListAssets"
    assert bucket.raw["asset"]["resource"]["data"]["location"] == "EUROPE-WEST4"
    assert rows.resource("/instances/web").source_api == "cloudasset:SearchAllResources"


def test_golden_policy_security_and_collections(scan):
    rows = scan()
    settings = rows.settings()
    assert settings["ministerie-data"].key == "policy.resource_locations"
    assert settings["ministerie-data"].value == "allowed=in:eu-locations"
    assert settings["ministerie-apps"].value == "unset"
    security = rows.security()
    assert {k: (s.service, s.enabled) for k, s in security.items()} == {
        "ministerie-apps": ("scc", True), "ministerie-data": ("scc", False)}
    assert all(c.ok for c in rows.collections())
    areas = {(c.area, c.account_id) for c in rows.collections()}
    assert areas == {("accounts", None), ("inventory", None), ("security_services", None),
                     ("inventory", "ministerie-data"), ("inventory", "ministerie-apps"),
                     ("gcp.orgpolicy", "ministerie-data"), ("gcp.orgpolicy", "ministerie-apps")}


@pytest.mark.parametrize("location, region", [
    ("europe-west4-c", "europe-west4"),        # a zone maps to its region
    ("us-central1-f", "us-central1"),
    ("EU", "eu"),                              # multi-regions, upper or lower case
    ("asia", "asia"),
    ("europe", "europe"),
    ("eur5", "eur5"),                          # dual-regions
    ("EUR4", "eur4"),
    ("nam-eur-asia1", "nam-eur-asia1"),
    ("global", "global"),
    ("asia-east2", "asia-east2"),
    ("northamerica-northeast1", "northamerica-northeast1"),
])
def test_location_variants(scan, estate, location, region):
    result, _ = find(estate, "/data-google")
    result["location"] = location
    resource = scan().resource("/data-google")
    assert resource.region == region
    assert resource.raw["search"]["location"] == location  # the zone (or original spelling) stays in raw


def test_location_missing_in_search_falls_back_to_listed_asset(scan, estate):
    result, listed = find(estate, "/data-google")
    del result["location"]
    listed["resource"]["location"] = "europe-north1"
    assert scan().resource("/data-google").region == "europe-north1"


def test_no_location_anywhere_is_null(scan, estate):
    result, _ = find(estate, "/instances/web")
    del result["location"]
    assert scan().resource("/instances/web").region is None


def test_cmek_removed_is_google_managed(scan, estate):
    _, listed = find(estate, "/data-cmek")
    del listed["resource"]["data"]["encryption"]
    r = scan().resource("/data-cmek")
    assert (r.encrypted, r.key_custody, r.key_id) == (True, "provider", None)


def test_cmek_added_through_search_kms_keys(scan, estate):
    result, _ = find(estate, "/data-google")
    result["kmsKeys"] = [CMEK]
    r = scan().resource("/data-google")
    assert (r.key_custody, r.key_id) == ("customer", CMEK)


@pytest.mark.parametrize("suffix, path", [
    ("/datasets/stats", ("defaultEncryptionConfiguration", "kmsKeyName")),
    ("/apps-eur4", ("encryption", "defaultKmsKeyName")),
])
def test_cmek_in_listed_asset_data(scan, estate, suffix, path):
    _, listed = find(estate, suffix)
    listed["resource"]["data"][path[0]] = {path[1]: CMEK}
    r = scan().resource(suffix)
    assert (r.key_custody, r.key_id) == ("customer", CMEK)


def test_key_with_external_protection_level_is_external(scan, estate):
    _, key = find(estate, "/cryptoKeys/cmek")
    key["resource"]["data"]["versionTemplate"]["protectionLevel"] = "EXTERNAL_VPC"
    rows = scan()
    assert rows.resource("/data-cmek").key_custody == "external"
    assert rows.resource("/disks/vm-disk").key_custody == "external"


def test_ekm_key_outside_scope_counts_as_customer(scan, estate):
    estate["assets"] = [a for a in estate["assets"] if not a["name"].endswith("/cryptoKeys/ekm")]
    assert scan().resource("/instances/db").key_custody == "customer"


def test_customer_supplied_disk_key_is_external(scan, estate):
    result, listed = find(estate, "/disks/vm-disk")
    del result["kmsKeys"]
    listed["resource"]["data"]["diskEncryptionKey"] = {"sha256": "q1w2e3"}
    r = scan().resource("/disks/vm-disk")
    assert (r.encrypted, r.key_custody, r.key_id) == (True, "external", None)


def test_key_referenced_by_project_number(scan, estate):
    result, listed = find(estate, "/disks/vm-disk")
    result["kmsKeys"] = [CMEK.replace("projects/ministerie-data", "projects/111") + "/cryptoKeyVersions/1"]
    listed["resource"]["data"]["diskEncryptionKey"] = {"kmsKeyName": result["kmsKeys"][0]}
    assert scan().resource("/disks/vm-disk").key_id == CMEK


def test_labels_are_tags(scan, estate):
    result, _ = find(estate, "/instances/web")
    result["labels"] = {"classification": "bijzondere-persoonsgegevens"}
    assert scan().resource("/instances/web").tags == {"classification": "bijzondere-persoonsgegevens"}


def test_policy_variants(scan, estate):
    estate["effectivePolicies"]["projects/ministerie-apps"] = {
        "name": "projects/222/policies/gcp.resourceLocations",
        "spec": {"rules": [{"values": {"allowedValues": ["in:europe-locations"], "deniedValues": ["europe-west2"]}}]}}
    estate["effectivePolicies"]["projects/ministerie-data"]["spec"]["rules"] = [{"allowAll": True}]
    settings = scan().settings()
    assert settings["ministerie-apps"].value == "allowed=in:europe-locations;denied=europe-west2"
    assert settings["ministerie-data"].value == "allow_all"


@pytest.mark.parametrize("state, enabled", [("ENABLED", True), ("DISABLED", False)])
def test_scc_state(scan, estate, state, enabled):
    result, _ = find(estate, "/services/securitycenter.googleapis.com")
    result["state"] = state
    assert scan().security()["ministerie-apps"].enabled is enabled


def test_scc_absent_is_not_enabled(scan, estate):
    estate["searchResults"] = [r for r in estate["searchResults"] if "securitycenter" not in r["name"]]
    assert not any(s.enabled for s in scan().security().values())


def test_project_scope(scan):
    rows = scan("projects/ministerie-apps")
    assert list(rows.accounts()) == ["ministerie-apps"]
    assert {r.account_id for r in rows.of(Resource)} == {"ministerie-apps"}
    assert rows.security()["ministerie-apps"].enabled


def test_folder_scope(scan):
    rows = scan("folders/200")
    assert list(rows.accounts()) == ["ministerie-data"]
    assert isinstance(rows.accounts()["ministerie-data"], Account)
    assert {r.account_id for r in rows.of(Resource)} == {"ministerie-data"}


def test_project_id_from_name_when_attributes_are_missing(scan, estate):
    project, _ = find(estate, "/projects/222")
    del project["additionalAttributes"]
    project["name"] = "//cloudresourcemanager.googleapis.com/projects/ministerie-apps"
    rows = scan()
    assert "ministerie-apps" in rows.accounts()
    assert rows.resource("/apps-eur4").account_id == "ministerie-apps"


def test_project_scope_without_project_asset(scan, estate):
    estate["searchResults"] = [r for r in estate["searchResults"] if not r["name"].endswith("/projects/222")]
    rows = scan("projects/222")  # without the Project asset only the scope names the project
    assert list(rows.accounts()) == ["222"]
    assert {r.account_id for r in rows.of(Resource)} == {"222"}
    assert rows.collections(area="inventory", account_id="222")[0].ok
