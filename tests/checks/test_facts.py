"""derive_facts: locations resolved in SQL (zones, multi-regions, unknown and unreported), the
classification from the configured tag key (any case, any characters) else the register, the
'pet' tag, the countries table and the first sighting across scans."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import inspect, text

from findings.facts import INGESTED, derive_facts
from inventory.rows import RegisterService
from tests.support import add_scan, new_inventory, store

from .golden import AWS, resource


def facts(engine, scan_id: int) -> dict[str, dict]:
    """fact_resource per resource name, with its countries from fact_resource_country."""
    with engine.connect() as conn:
        rows = conn.execute(text("select r.name, f.* from fact_resource f join resource r on r.id = f.resource_id"
                                 " where f.scan_id = :s"), {"s": scan_id}).mappings().all()
        countries = conn.execute(text("select r.name, c.country from fact_resource_country c"
                                      " join resource r on r.id = c.resource_id where c.scan_id = :s"), {"s": scan_id}).all()
    found = {row["name"]: dict(row) | {"country_rows": set()} for row in rows}
    for name, country in countries:
        found[name]["country_rows"].add(country)
    return found


@pytest.mark.parametrize("provider, region, kind, ref_region, countries", [
    ("aws", "eu-west-1", "region", "eu-west-1", "IE"),
    ("aws", "eu-west-1a", "region", "eu-west-1", "IE"),                  # an availability zone
    ("aws", "EU-WEST-1", "region", "eu-west-1", "IE"),
    ("gcp", "europe-west4-a", "region", "europe-west4", "NL"),           # a GCP zone
    ("gcp", "eu", "multi", "eu", "BE;DE;ES;FI;FR;IT;NL;PL;SE"),
    ("aws", "global", "global", "global", None),
    ("aws", "mars-north-1", "unknown", None, None),
    ("aws", "mars-north-1b", "unknown", None, None),                     # a zone of an unknown region
    ("aws", None, "unreported", None, None),
    ("aws", "", "unreported", None, None),
])
def test_location_resolves_regions_zones_and_unknowns(tmp_path, provider, region, kind, ref_region, countries):
    engine, scan_id = new_inventory(tmp_path)
    store(engine, scan_id, [resource(provider, "r", f"uid-{region}", "test.thing", region)])
    assert derive_facts(engine, scan_id, "classification") == 1
    found = facts(engine, scan_id)["r"]
    assert (found["location_kind"], found["ref_region"], found["countries"]) == (kind, ref_region, countries)
    assert found["country_rows"] == set((countries or "").split(";")) - {""}


@pytest.mark.parametrize("tag_key, tags, expected", [
    ("classification", {"Classification": " TBB1 "}, ("tbb1", "tag")),
    ("classification", {"classification": "geheim"}, ("unknown", "tag")),        # unrecognised: never the register's
    ("classification", {"owner": "classification"}, ("intern", "register")),     # the key is not a value
    ("Rubricering-Ä", {"RUBRICERING-Ä": "staatsgeheim"}, ("staatsgeheim", "tag")),  # non-ASCII key, any case
    ('data"class\\x', {'DATA"CLASS\\X': "openbaar"}, ("openbaar", "tag")),          # JSON-escaped characters
    ("data_class", {"dataXclass": "openbaar"}, ("intern", "register")),            # '_' is not a wildcard
])
def test_classification_tag_key_any_case_and_characters(tmp_path, tag_key, tags, expected):
    engine, scan_id = new_inventory(tmp_path)
    store(engine, scan_id, [resource("aws", "r", "uid-1", "s3.bucket", "eu-west-1", tags=tags),
                            RegisterService(provider="aws", account_id=AWS, name="AWS", owner="CIO", material=True,
                                            classification="intern")])
    derive_facts(engine, scan_id, tag_key)
    found = facts(engine, scan_id)["r"]
    assert (found["classification"], found["classification_source"]) == expected


def test_classification_unknown_without_tag_or_register_and_pet_tag_in_any_case(tmp_path):
    engine, scan_id = new_inventory(tmp_path)
    store(engine, scan_id, [resource("gcp", "plain", "uid-1", "storage.googleapis.com/Bucket", "europe-west4"),
                            resource("gcp", "pet", "uid-2", "storage.googleapis.com/Bucket", "europe-west4",
                                     tags={"PET": "pseudonimisering"})])
    derive_facts(engine, scan_id, "classification")
    found = facts(engine, scan_id)
    assert (found["plain"]["classification"], found["plain"]["classification_source"], found["plain"]["pet"]) == (
        "unknown", "none", None)
    assert (found["pet"]["pet"], found["pet"]["pet_tag"]) == ("pseudonymisation", "pseudonimisering")
    assert found["pet"]["classification"] == "unknown"


@pytest.mark.parametrize("value, expected", [
    ("Stg. Geheim", "staatsgeheim"), ("STG GEHEIM", "staatsgeheim"), ("stg-geheim", "staatsgeheim"),
    ("Stg. Zeer Geheim", "staatsgeheim"), ("Stg. Confidentieel", "staatsgeheim"), ("TBB-2", "tbb2"),
    ("tbb niveau 3", "tbb3"), ("Dep. V.", "tbb1"), ("Bijzondere Persoonsgegevens", "bijzondere-persoonsgegevens"),
    ("Basisregistratie_Bron", "basisregistratie-bron"), (" Openbaar ", "openbaar"),
    ("zeer-geheim", "unknown"), ("<script>alert(1)</script>", "unknown"), ("=cmd|' /C calc'!A0", "unknown"),
    ("publiek", "unknown"),
])
def test_classification_usual_dutch_spellings_else_unknown_keeping_the_value(tmp_path, value, expected):
    engine, scan_id = new_inventory(tmp_path)
    store(engine, scan_id, [resource("aws", "r", "uid-1", "s3.bucket", "eu-west-1", tags={"classification": value}),
                            RegisterService(provider="aws", account_id=AWS, name="AWS", owner="CIO", material=True,
                                            classification="intern")])
    derive_facts(engine, scan_id, "classification")
    found = facts(engine, scan_id)["r"]
    assert (found["classification"], found["classification_source"], found["classification_tag"]) == (
        expected, "tag", value)


@pytest.mark.parametrize("value, expected", [
    ("Pseudonymisation", "pseudonymisation"), ("client side encryption", "client-side-encryption"),
    ("HYOK", "external-key-management"), ("none", None), ("geen", None), ("unknown", None), ("encrypted", None),
])
def test_pet_tag_from_the_fixed_vocabulary(tmp_path, value, expected):
    engine, scan_id = new_inventory(tmp_path)
    store(engine, scan_id, [resource("aws", "r", "uid-1", "s3.bucket", "eu-west-1", tags={"pet": value})])
    derive_facts(engine, scan_id, "classification")
    found = facts(engine, scan_id)["r"]
    assert (found["pet"], found["pet_tag"]) == (expected, value)


def test_first_seen_is_the_earliest_scan_that_saw_the_resource(tmp_path):
    earlier = datetime(2025, 5, 1, 8, 0, tzinfo=UTC)
    engine, first = new_inventory(tmp_path, started_at=earlier)
    store(engine, first, [resource("gcp", "old", "uid-old", "storage.googleapis.com/Bucket", "europe-west4")])
    second = add_scan(engine)
    store(engine, second, [resource("gcp", "old", "uid-old", "storage.googleapis.com/Bucket", "europe-west4"),
                           resource("gcp", "new", "uid-new", "storage.googleapis.com/Bucket", "europe-west4")])
    derive_facts(engine, second, "classification")
    found = facts(engine, second)
    assert str(found["old"]["first_seen"]).startswith("2025-05-01 08:00")
    assert str(found["new"]["first_seen"]).startswith("2026-11-26 09:00")


def test_first_seen_is_per_account(tmp_path):
    """The same uid in an account that no other scan held is first seen now."""
    engine, first = new_inventory(tmp_path, started_at=datetime(2025, 5, 1, 8, 0, tzinfo=UTC))
    store(engine, first, [resource("gcp", "old", "uid-1", "storage.googleapis.com/Bucket", "europe-west4")])
    second = add_scan(engine)
    moved = resource("gcp", "moved", "uid-1", "storage.googleapis.com/Bucket", "europe-west4")
    moved.account_id = "another-project"
    store(engine, second, [moved])
    derive_facts(engine, second, "classification")
    assert str(facts(engine, second)["moved"]["first_seen"]).startswith("2026-11-26 09:00")


def test_facts_refresh_the_statistics_of_the_tables_they_read(tmp_path):
    """PostgreSQL plans the facts on fresh statistics of every collected table; a view (``resource``)
    has none, so its table is named."""
    engine, scan_id = new_inventory(tmp_path)
    store(engine, scan_id, [resource("gcp", "old", "uid-1", "storage.googleapis.com/Bucket", "europe-west4")])
    assert set(INGESTED) <= set(inspect(engine).get_table_names())
    derive_facts(engine, scan_id, "classification")
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            analysed = set(conn.execute(text("select relname from pg_stat_user_tables where last_analyze is not null"
                                             " or last_autoanalyze is not null")).scalars())
        assert set(INGESTED) <= analysed
