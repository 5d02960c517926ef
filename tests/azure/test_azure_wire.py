"""The Azure connector on the wire: paging, quota, 403, 429, permissions, endpoints and the demo estate."""

import json
import re

import pytest
from azure_support import ROOT, golden, sub_id

from connectors.azure import MANIFEST
from connectors.azure.clients import AllowLoopbackHttp, AzureClients


def snapshot(result) -> dict:
    """What a scan says about each resource, to compare scans of the same estate."""
    return {uid: (r.region, r.created_at, r.stores_data, r.encrypted, r.key_custody, r.key_id)
            for uid, r in result.resources.items()}


def test_paging_of_every_list_gives_the_same_inventory(scan, estate):
    golden_result = scan(golden())
    estate.update(page_size=1, graph_page_size=1, graph_quota=1000)  # the quota has its own test
    paged = scan(estate)
    assert paged.errors == []
    assert snapshot(paged) == snapshot(golden_result)
    rows = sum(len(s["resources"]) + len(s["resource_groups"]) + 1 for s in estate["subscriptions"])
    assert paged.fake.requests.count(("POST", "/providers/Microsoft.ResourceGraph/resources")) >= rows
    assert paged.fake.requests.count(("GET", "/subscriptions")) == len(estate["subscriptions"])


def test_a_short_page_is_not_the_last_page(scan, estate):
    estate["graph_page_size"] = 2  # far below $top = 1000
    result = scan(estate)
    assert set(result.resources) == set(scan(golden()).resources)


def test_forbidden_subscription_is_an_error_and_the_others_go_on(scan, estate):
    dev = next(s for s in estate["subscriptions"] if s["display_name"] == "bz-dev")
    dev["forbidden"] = True
    result = scan(estate)
    dev_id = dev["subscription_id"]
    assert {(e.account_id, e.area) for e in result.errors} == {
        (dev_id, "inventory"), (dev_id, "security_services"), (dev_id, "azure.policy")}
    assert all("HTTP 403 AuthorizationFailed" in e.error and e.permission for e in result.errors)
    assert dev_id in result.accounts
    assert not [r for r in result.resources.values() if r.account_id == dev_id]
    prod_id = sub_id(estate, "bz-prod")
    golden_prod = {u: v for u, v in snapshot(scan(golden())).items() if f"/{prod_id}/" in u}
    assert {u: v for u, v in snapshot(result).items() if f"/{prod_id}/" in u} == golden_prod
    assert result.services(prod_id)["defender:VirtualMachines"].enabled


def test_configured_subscription_the_credential_cannot_see(scan, estate):
    prod_id, missing = sub_id(estate, "bz-prod"), "0badc0de-0000-4000-8000-000000000000"
    result = scan(estate, subscriptions=[prod_id.upper(), missing])
    assert set(result.accounts) == {prod_id}
    [error] = result.errors
    assert (error.area, error.account_id) == ("accounts", missing)


@pytest.mark.parametrize("route", ["graph", "pricings"])
def test_429_with_retry_after_is_retried(scan, estate, route):
    estate["throttle"] = {route: 1}
    result = scan(estate)
    assert result.fake.throttled == 1
    assert result.errors == []
    assert snapshot(result) == snapshot(scan(golden()))
    assert len([s for s in result.services(sub_id(estate, "bz-prod")) if s.startswith("defender:")]) == 3


def test_resource_graph_failure_is_recorded_per_subscription(scan, estate):
    estate["throttle"] = {"graph": 1}  # the first query (ResourceContainers) fails without retries
    result = scan(estate, pipeline={"retry_total": 0})
    subs = {s["subscription_id"] for s in estate["subscriptions"]}
    assert {(e.account_id, e.area, e.call) for e in result.errors} == {
        (s, "inventory", "resourcegraph:Resources") for s in subs}
    assert set(result.accounts) == subs  # placement unknown: still scanned, parent unknown
    assert all(a.parent_id is None for a in result.accounts.values())
    assert not any(r.type == "microsoft.resources/subscriptions/resourcegroups" for r in result.resources.values())


def test_resource_graph_quota_headers_are_respected(scan, estate):
    estate.update(graph_page_size=1000, graph_quota=1, graph_quota_window=1)  # two queries, one per window
    result = scan(estate)
    assert result.fake.requests.count(("POST", "/providers/Microsoft.ResourceGraph/resources")) == 2
    assert result.fake.throttled == 0  # the connector waited instead of running into 429
    assert result.errors == []


ACTIONS = [  # request the fake saw -> the Azure RBAC action it needs
    (r"GET /subscriptions", "Microsoft.Resources/subscriptions/read"),
    (r"POST /providers/Microsoft\.ResourceGraph/resources", "Microsoft.ResourceGraph/resources/read"),
    (r"GET /subscriptions/[^/]+/resources", "Microsoft.Resources/subscriptions/resources/read"),
    (r"GET /subscriptions/.+/databases/[^/]+/transparentDataEncryption/current", "Microsoft.Sql/servers/databases/transparentDataEncryption/read"),
    (r"GET /subscriptions/.+/servers/[^/]+/encryptionProtector/current", "Microsoft.Sql/servers/encryptionProtector/read"),
    (r"GET /subscriptions/[^/]+/providers/Microsoft\.Security/pricings", "Microsoft.Security/pricings/read"),
    (r"GET /subscriptions/[^/]+/providers/Microsoft\.Authorization/policyAssignments", "Microsoft.Authorization/policyAssignments/read"),
    (r"GET (/subscriptions/[^/]+|/providers/Microsoft\.Management/managementGroups/[^/]+)?"
     r"/providers/Microsoft\.Authorization/policySetDefinitions/[^/]+", "Microsoft.Authorization/policySetDefinitions/read"),
]


def test_documented_permissions_match_the_calls_made(scan, estate):
    result = scan(estate)
    used = set()
    for method, path in result.fake.requests:
        matches = {action for pattern, action in ACTIONS if re.fullmatch(pattern, f"{method} {path}")}
        assert len(matches) == 1, f"{method} {path} maps to {matches}"
        used |= matches
    assert used == set(MANIFEST.permissions)
    assert all(action.endswith("/read") for action in MANIFEST.permissions)
    assert {c.call for c in result.collections} <= {c.call for c in MANIFEST.calls}


def test_https_check_is_lifted_only_for_loopback_http():
    remote = AzureClients("https://management.chinacloudapi.cn", credential=None)
    assert remote.call_options == {} and "per_call_policies" not in remote.options
    assert remote.options["credential_scopes"] == ["https://management.chinacloudapi.cn/.default"]
    local = AzureClients("http://127.0.0.1:8767", credential=None)
    assert local.call_options == {"enforce_https": False}
    assert [type(p) for p in local.options["per_call_policies"]] == [AllowLoopbackHttp]


def test_demo_estate_scans_cleanly(scan):
    estate = json.loads((ROOT / "scanner" / "demo" / "azure_estate.json").read_text(encoding="utf-8"))
    result = scan(estate)
    assert result.errors == []
    regions = {r.region for r in result.resources.values()}
    assert {"westeurope", "northeurope", "eastus", "chinaeast2", "global"} <= regions
    storage = [r for r in result.resources.values() if r.type == "microsoft.storage/storageaccounts"]
    assert {r.key_custody for r in storage} == {"customer", "provider"}
