"""The golden GCP estate (camelCase, as Cloud Asset answers) that the GCP tests mutate one field at a time."""

ORG, FOLDER = "organizations/100", "folders/200"
PROJECTS = {"ministerie-data": "111", "ministerie-apps": "222"}
KEYRING = "projects/ministerie-data/locations/europe-west4/keyRings/ring"


def search_result(project_id: str, name: str, asset_type: str, location: str, **fields) -> dict:
    number = PROJECTS[project_id]
    folders = [FOLDER] if project_id == "ministerie-data" else []
    return {"name": name, "assetType": asset_type, "project": f"projects/{number}", "folders": folders,
            "organization": ORG, "displayName": name.rsplit("/", 1)[-1], "location": location,
            "createTime": "2025-02-03T04:05:06.789Z", **fields}


def asset(project_id: str, name: str, asset_type: str, location: str, data: dict) -> dict:
    number = PROJECTS[project_id]
    folders = [FOLDER] if project_id == "ministerie-data" else []
    return {"name": name, "assetType": asset_type, "ancestors": [f"projects/{number}", *folders, ORG],
            "resource": {"version": "v1", "location": location, "data": data}}


def project_result(project_id: str, display: str, parent: str) -> dict:
    number = PROJECTS[project_id]
    return search_result(project_id, f"//cloudresourcemanager.googleapis.com/projects/{number}",
                         "cloudresourcemanager.googleapis.com/Project", "global", displayName=display,
                         state="ACTIVE", createTime="2024-05-01T08:00:00Z",
                         additionalAttributes={"projectId": project_id},
                         parentFullResourceName=f"//cloudresourcemanager.googleapis.com/{parent}")


def golden_estate() -> dict:
    disk = "//compute.googleapis.com/projects/ministerie-data/zones/europe-west4-a/disks/vm-disk"
    sql = "//cloudsql.googleapis.com/projects/ministerie-data/instances/db"
    dataset = "//bigquery.googleapis.com/projects/ministerie-data/datasets/stats"
    key_cmek, key_ekm = f"{KEYRING}/cryptoKeys/cmek", f"{KEYRING}/cryptoKeys/ekm"
    results = [
        project_result("ministerie-data", "Ministerie data", FOLDER),
        project_result("ministerie-apps", "Ministerie apps", ORG),
        search_result("ministerie-data", "//storage.googleapis.com/data-cmek", "storage.googleapis.com/Bucket",
                      "europe-west4", labels={"classification": "persoonsgegevens"}),
        search_result("ministerie-data", "//storage.googleapis.com/data-google", "storage.googleapis.com/Bucket",
                      "europe-west4", labels={"classification": "openbaar", "team": "web"}),
        search_result("ministerie-data", dataset, "bigquery.googleapis.com/Dataset", "eu"),
        search_result("ministerie-data", disk, "compute.googleapis.com/Disk", "europe-west4-a", state="READY",
                      kmsKeys=[f"{key_cmek}/cryptoKeyVersions/3"]),
        search_result("ministerie-data", sql, "sqladmin.googleapis.com/Instance", "europe-west4", state="RUNNABLE"),
        search_result("ministerie-data", "//compute.googleapis.com/projects/ministerie-data/global/networks/vpc",
                      "compute.googleapis.com/Network", "global"),
        search_result("ministerie-data", f"//cloudkms.googleapis.com/{key_cmek}", "cloudkms.googleapis.com/CryptoKey",
                      "europe-west4"),
        search_result("ministerie-data", f"//cloudkms.googleapis.com/{key_ekm}", "cloudkms.googleapis.com/CryptoKey",
                      "europe-west4"),
        search_result("ministerie-apps", "//storage.googleapis.com/apps-eur4", "storage.googleapis.com/Bucket", "eur4"),
        search_result("ministerie-apps", "//compute.googleapis.com/projects/ministerie-apps/zones/europe-west4-b/instances/web",
                      "compute.googleapis.com/Instance", "europe-west4-b", state="RUNNING"),
        search_result("ministerie-apps", "//serviceusage.googleapis.com/projects/222/services/securitycenter.googleapis.com",
                      "serviceusage.googleapis.com/Service", "global", state="ENABLED"),
    ]
    assets = [
        asset("ministerie-data", "//storage.googleapis.com/data-cmek", "storage.googleapis.com/Bucket", "europe-west4",
              {"name": "data-cmek", "location": "EUROPE-WEST4", "encryption": {"defaultKmsKeyName": key_cmek}}),
        asset("ministerie-data", "//storage.googleapis.com/data-google", "storage.googleapis.com/Bucket", "europe-west4",
              {"name": "data-google", "location": "EUROPE-WEST4"}),
        asset("ministerie-data", dataset, "bigquery.googleapis.com/Dataset", "eu", {"location": "EU"}),
        asset("ministerie-data", disk, "compute.googleapis.com/Disk", "europe-west4-a",
              {"name": "vm-disk", "diskEncryptionKey": {"kmsKeyName": f"{key_cmek}/cryptoKeyVersions/3"}}),
        asset("ministerie-data", sql, "sqladmin.googleapis.com/Instance", "europe-west4",
              {"name": "db", "diskEncryptionConfiguration": {"kmsKeyName": key_ekm}}),
        asset("ministerie-data", f"//cloudkms.googleapis.com/{key_cmek}", "cloudkms.googleapis.com/CryptoKey",
              "europe-west4", {"name": key_cmek, "versionTemplate": {"protectionLevel": "SOFTWARE"}}),
        asset("ministerie-data", f"//cloudkms.googleapis.com/{key_ekm}", "cloudkms.googleapis.com/CryptoKey",
              "europe-west4", {"name": key_ekm, "versionTemplate": {"protectionLevel": "EXTERNAL"}}),
        asset("ministerie-apps", "//storage.googleapis.com/apps-eur4", "storage.googleapis.com/Bucket", "eur4",
              {"name": "apps-eur4", "location": "EUR4", "locationType": "dual-region"}),
    ]
    policies = {"projects/ministerie-data": {
        "name": "projects/111/policies/gcp.resourceLocations",
        "spec": {"rules": [{"values": {"allowedValues": ["in:eu-locations"]}}]}}}
    return {"searchResults": results, "assets": assets, "effectivePolicies": policies}


def find(estate: dict, suffix: str) -> tuple[dict, dict | None]:
    """The search result and the listed asset (or None) whose name ends with ``suffix``."""
    result = next(r for r in estate["searchResults"] if r["name"].endswith(suffix))
    listed = next((a for a in estate["assets"] if a["name"] == result["name"]), None)
    return result, listed
