"""Facts derived per resource of a scan, stored as the documented fact_* tables.

For every resource: where its data may be (the ref_region entry its region resolves to, with
its location kind and countries), its data classification (the configured tag, else the
register entry of its account, else 'unknown'), the privacy-enhancing technology its ``pet``
tag records, and when it was first seen in the inventory (for the 2026 transition rule).
SQL resolves locations, register defaults and first sightings; Python reads the tags, and only of
the resources whose tags may hold the classification key or 'pet'.
"""

from sqlalchemy import JSON, Engine, Integer, String, func, select, text
from sqlmodel.sql.sqltypes import UTCDateTime

from scanner.db import Writer, dumps
from scanner import rows
from scanner.models import FactResource
from scanner.register import CLASSIFICATIONS

# Location, register default and first sighting of every resource of the scan. A zone
# (eu-west-1a, europe-west4-a) that is not itself in ref_region resolves to its region: the name
# without its last letter and a dash before it.
LOCATED = """
    select r.id, r.scan_id, r.tags, rs.classification as register_classification,
      case when coalesce(r.region, '') = '' then 'unreported'
           else coalesce(exact.location_kind, zone.location_kind, 'unknown') end as location_kind,
      coalesce(exact.region, zone.region) as ref_region,
      coalesce(exact.countries, zone.countries) as countries,
      (select min(s.started_at) from resource o join scan s on s.id = o.scan_id
        where o.provider = r.provider and o.account_id = r.account_id and o.uid = r.uid) as first_seen
    from resource r
    left join ref_region exact on exact.provider = r.provider and exact.region = lower(r.region)
    left join ref_region zone on exact.region is null and zone.provider = r.provider
      and substr(lower(r.region), length(r.region)) between 'a' and 'z'
      and zone.region = rtrim(substr(lower(r.region), 1, length(r.region) - 1), '-')
    left join register_service rs on rs.scan_id = r.scan_id and rs.provider = r.provider
      and rs.account_id = r.account_id
    where r.scan_id = :scan_id"""
# Resources whose tags may hold the classification key or 'pet' (a cheap superset test on the
# JSON text); Python reads their tags. Every other resource gets its facts in SQL alone.
TAGGED = text(f"""
    select id, tags, register_classification, location_kind, ref_region, countries, first_seen
    from ({LOCATED}) x
    where :any_tags or lower(cast(x.tags as text)) like :key_pattern or lower(cast(x.tags as text)) like '%"pet"%'
    order by id""").columns(id=Integer, tags=JSON, register_classification=String, location_kind=String,
                            ref_region=String, countries=String, first_seen=UTCDateTime)
UNTAGGED = text(f"""
    insert into fact_resource (resource_id, scan_id, location_kind, ref_region, countries, classification,
                               classification_source, pet, first_seen)
    select id, scan_id, location_kind, ref_region, countries, coalesce(register_classification, 'unknown'),
      case when register_classification is null then 'none' else 'register' end, null, first_seen
    from ({LOCATED}) x
    where not exists (select 1 from fact_resource f where f.resource_id = x.id)""")
COUNTRIES = text("""
    insert into fact_resource_country (resource_id, country, scan_id)
    select f.resource_id, c.country, f.scan_id
    from fact_resource f join resource r on r.id = f.resource_id
    join ref_region_country c on c.provider = r.provider and c.region = f.ref_region
    where f.scan_id = :scan_id""")


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
    key = dumps(tag_key.lower())  # the key as it appears in the JSON text, quotes included
    binds = {"scan_id": scan_id, "key_pattern": f"%{key}%", "any_tags": not key.isascii()}  # SQLite lower() is ASCII-only
    writer = Writer(engine, scan_id)
    with engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=5000).execute(TAGGED, binds)
        for rid, tags, register_default, kind, ref_region, countries, first_seen in result:
            classification, source = classify(tags, tag_key, register_default)
            writer.add(rows.FactResource(
                resource_id=rid, location_kind=kind, ref_region=ref_region, countries=countries,
                classification=classification, classification_source=source, pet=_pet(tags), first_seen=first_seen))
    writer.flush()
    with engine.begin() as conn:
        conn.execute(UNTAGGED, {"scan_id": scan_id})
        conn.execute(COUNTRIES, {"scan_id": scan_id})
        return conn.execute(select(func.count()).select_from(FactResource).where(FactResource.scan_id == scan_id)).scalar_one()
