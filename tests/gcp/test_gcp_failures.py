"""Paging, throttling and permission errors: recorded, never raised, never a silent gap."""

import time

from connectors.base import ScanContext
from inventory.rows import Account, Resource, SecurityService, Setting
from tests.gcp.gcp_estate import search_result

BUCKET = "storage.googleapis.com/Bucket"


def add_buckets(estate: dict, count: int) -> None:
    estate["searchResults"] += [
        search_result("ministerie-apps", f"//storage.googleapis.com/bulk-{i:04d}", BUCKET, "europe-west4")
        for i in range(count)]


def search_requests(fake) -> list[dict]:
    return [params for kind, _, params in fake.requests if kind == "search" and not params.get("assetTypes")]


def test_paging_across_500_plus_results(scan, fake, estate):
    add_buckets(estate, 1200)
    rows = scan()
    assert len([r for r in rows.of(Resource) if "/bulk-" in r.uid]) == 1200
    pages = search_requests(fake)
    assert [p.get("pageToken", [""])[0] for p in pages] == ["", "offset-500", "offset-1000"]
    assert all(p["pageSize"] == ["500"] for p in pages)
    assert rows.collections(area="inventory", account_id=None)[0].item_count == 1213  # 13 golden results + 1200


def test_small_server_page_size_is_followed(scan, fake, estate):
    fake.max_page_size = 2
    rows = scan()
    assert len(rows.of(Resource)) == 11
    assert len(rows.of(Account)) == 2
    assert len(search_requests(fake)) == 7  # 13 results, 2 per page


def test_429_on_a_later_page_is_retried(scan, fake, estate):
    add_buckets(estate, 600)
    fake.throttle[("search", "offset-500")] = 2
    rows = scan()
    assert len([r for r in rows.of(Resource) if "/bulk-" in r.uid]) == 600
    assert all(c.ok for c in rows.collections())
    assert [p.get("pageToken", [""])[0] for p in search_requests(fake)] == ["", "offset-500", "offset-500", "offset-500"]


def test_429_on_list_assets_and_policy_is_retried(scan, fake):
    fake.throttle[("list", "")] = 1
    fake.throttle[("policy", "")] = 1
    rows = scan()
    assert all(c.ok for c in rows.collections())
    assert rows.resource("/data-cmek").key_custody == "customer"
    assert set(rows.settings()) == {"ministerie-data", "ministerie-apps"}


def test_throttled_past_the_deadline_is_an_error(scan, fake):
    fake.throttle[("search", "")] = 10_000
    rows = scan(context=ScanContext(deadline=time.monotonic() + 0.3))
    (accounts,) = rows.collections(area="accounts")
    assert not accounts.ok and accounts.account_id is None
    assert "429" in accounts.error and "TooManyRequests" in accounts.error
    assert rows.of(Account) == [] and rows.of(Resource) == []


def test_403_on_one_project_is_an_error_for_that_project_only(scan, fake):
    fake.forbidden.add("projects/ministerie-apps")
    rows = scan()
    failed = rows.collections(ok=False)
    assert {(c.area, c.account_id, c.call) for c in failed} == {
        ("inventory", "ministerie-apps", "cloudasset:ListAssets"),
        ("gcp.orgpolicy", "ministerie-apps", "orgpolicy:GetEffectivePolicy")}
    assert all(c.error.startswith("403 Forbidden: ") for c in failed)
    assert {c.permission for c in failed} == {"cloudasset.assets.listResource", "orgpolicy.policy.get"}
    assert rows.collections(area="inventory", account_id="ministerie-data")[0].ok
    assert set(rows.settings()) == {"ministerie-data"}
    assert rows.resource("/data-cmek").key_custody == "customer"     # the other project is complete
    assert rows.resource("/apps-eur4").region == "eur4"              # scope-wide search still lists it


def test_403_on_the_scope_is_an_estate_level_error(scan, fake):
    fake.forbidden.add("organizations/100")
    rows = scan()
    failed = rows.collections(ok=False)
    assert {c.area for c in failed} == {"accounts", "inventory", "gcp.orgpolicy", "security_services"}
    assert all(c.account_id is None for c in failed)
    assert rows.collections(area="accounts")[0].error.startswith("403 Forbidden: ")
    assert rows.collections(area="accounts")[0].permission == "cloudasset.assets.searchAllResources"
    assert not rows.of(Account) and not rows.of(Resource) and not rows.of(Setting) and not rows.of(SecurityService)
