"""Facts derived in Python where SQL would be contorted, stored as documented fact_* tables.

For every resource of a scan: where its data may be (location kind and the set of countries,
from ref_region), its data classification (the configured tag, else the register entry of its
account, else 'unknown'), the privacy-enhancing technology its ``pet`` tag records, and when it
was first seen in the inventory (for the 2026 transition rule).
"""

import re

from sqlalchemy import JSON, Engine, Integer, String, select, text
from sqlmodel.sql.sqltypes import UTCDateTime

from scanner.db import Writer
from scanner.models import FactResource, FactResourceCountry, RefRegion, RegisterService
from scanner.register import CLASSIFICATIONS

ZONE = re.compile(r"^(?P<region>.+?)-?[a-z]$")
RESOURCES = text("""
    select r.id, r.provider, r.account_id, r.region, r.tags,
           (select min(s.started_at) from resource o join scan s on s.id = o.scan_id
             where o.provider = r.provider and o.account_id = r.account_id and o.uid = r.uid) as first_seen
    from resource r where r.scan_id = :scan_id order by r.id""").columns(
    id=Integer, provider=String, account_id=String, region=String, tags=JSON, first_seen=UTCDateTime)


def _locations(engine: Engine) -> dict[tuple[str, str], tuple[str, str | None]]:
    with engine.connect() as conn:
        rows = conn.execute(select(RefRegion.provider, RefRegion.region, RefRegion.location_kind, RefRegion.countries))
        return {(p, r): (kind, countries) for p, r, kind, countries in rows}


def locate(locations: dict, provider: str, region: str | None) -> tuple[str, str | None]:
    """Location kind and countries of a region; a zone (europe-west4-a, eu-west-1a) resolves to its region."""
    if not region:
        return "unreported", None
    region = region.lower()
    found = locations.get((provider, region))
    if found is None and (zone := ZONE.match(region)):
        found = locations.get((provider, zone["region"]))
    return found or ("unknown", None)


def classify(tags: dict | None, tag_key: str, register_default: str | None) -> tuple[str, str]:
    """Classification and where it came from; an unknown tag value counts as no classification."""
    for key, value in (tags or {}).items():
        if key.lower() == tag_key.lower() and str(value).strip().lower() in CLASSIFICATIONS:
            return str(value).strip().lower(), "tag"
    if register_default:
        return register_default, "register"
    return "unknown", "none"


def _pet(tags: dict | None) -> str | None:
    return next((str(v) for k, v in (tags or {}).items() if k.lower() == "pet" and str(v).strip()), None)


def derive_facts(engine: Engine, scan_id: int, tag_key: str) -> int:
    """Write fact_resource and fact_resource_country for one scan; returns the resource count."""
    locations = _locations(engine)
    with engine.connect() as conn:
        defaults = dict(((p, a), c) for p, a, c in conn.execute(
            select(RegisterService.provider, RegisterService.account_id, RegisterService.classification)
            .where(RegisterService.scan_id == scan_id)))
    writer, count = Writer(engine, scan_id), 0
    with engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=5000).execute(RESOURCES, {"scan_id": scan_id})
        for rid, provider, account_id, region, tags, first_seen in result:
            kind, countries = locate(locations, provider, region)
            classification, source = classify(tags, tag_key, defaults.get((provider, account_id)))
            writer.add_values(FactResource, {
                "resource_id": rid, "scan_id": scan_id, "location_kind": kind, "countries": countries,
                "classification": classification, "classification_source": source, "pet": _pet(tags),
                "first_seen": first_seen})
            for country in filter(None, (countries or "").split(";")):
                writer.add_values(FactResourceCountry, {"resource_id": rid, "country": country, "scan_id": scan_id})
            count += 1
    writer.flush()
    return count
