"""Facts derived per resource of a scan, stored as the documented fact_* tables.

For every resource: where its data may be (the ref_region entry its region resolves to, with
its location kind and countries), its data classification (the configured tag read through the
spelling table of findings/normalise.py, else the register entry of its account, else 'unknown';
a tag value outside the table makes it 'unknown', never the register's), the privacy-enhancing
technology its ``pet`` tag names (tag values kept as found), and when it was first seen in the
inventory (for the 2026 transition rule).
SQL resolves locations, register defaults and first sightings; Python reads the tags, and only of
the resources whose tags may hold the classification key or 'pet'.
"""

from sqlalchemy import JSON, Connection, Engine, Integer, func, select, text

from findings import normalise
from inventory.db import BATCH, analyze, dumps
from inventory.tables import FactResource

# The tables a scan's collection filled in bulk, analysed before the facts are derived from them.
INGESTED = ("resource_row", "resource_state", "account", "setting", "collection", "security_service", "register_service")
# Every resource of the scan with its location, the register default and its first sighting. A
# zone (eu-west-1a, europe-west4-a) that is not itself in ref_region resolves to its region: the
# name without its last letter and a dash before it. The first sighting is looked up per resource
# only in accounts that another scan also held resources of; in the others, every resource is first
# seen now. It is the start of the first scan (lowest id: ids follow the order in which scans start)
# that held the resource, one step into ix_resource_uid however many scans are kept.
ALL = text("""
    with accounts as materialized (
      select provider, account_id from resource where scan_id = :scan_id group by provider, account_id),
    seen_before as materialized (
      select a.provider, a.account_id from accounts a
      where exists (select 1 from resource o where o.provider = a.provider and o.account_id = a.account_id
                      and o.scan_id <> :scan_id))
    insert into fact_resource (resource_id, scan_id, location_kind, ref_region, countries, classification,
                               classification_source, pet, first_seen)
    select r.id, r.scan_id,
      case when coalesce(r.region, '') = '' then 'unreported'
           else coalesce(exact.location_kind, zone.location_kind, 'unknown') end,
      coalesce(exact.region, zone.region), coalesce(exact.countries, zone.countries),
      coalesce(rs.classification, 'unknown'), case when rs.classification is null then 'none' else 'register' end,
      null,
      case when b.provider is null then s.started_at
           else (select s2.started_at from scan s2
                 where s2.id = (select min(o.scan_id) from resource o
                                where o.provider = r.provider and o.account_id = r.account_id and o.uid = r.uid)) end
    from resource r
    join scan s on s.id = r.scan_id
    left join ref_region exact on exact.provider = r.provider and exact.region = lower(r.region)
    left join ref_region zone on exact.region is null and zone.provider = r.provider
      and substr(lower(r.region), length(r.region)) between 'a' and 'z'
      and zone.region = rtrim(substr(lower(r.region), 1,  -- never a negative length: PostgreSQL refuses it
                                     case when length(r.region) > 0 then length(r.region) - 1 else 0 end), '-')
    left join register_service rs on rs.scan_id = r.scan_id and rs.provider = r.provider
      and rs.account_id = r.account_id
    left join seen_before b on b.provider = r.provider and b.account_id = r.account_id
    where r.scan_id = :scan_id""")
# Resources whose tags may hold the classification key or 'pet' (a cheap superset test on the
# JSON text); Python reads their tags and updates the facts of those that hold either.
TAGGED = text("""
    select id, tags from resource
    where scan_id = :scan_id
      and (:any_tags or lower(cast(tags as text)) like :key_pattern escape '!' or lower(cast(tags as text)) like '%"pet"%')
    """).columns(id=Integer, tags=JSON)
FROM_TAGS = text("""
    update fact_resource set classification = coalesce(cast(:classification as varchar), classification),
      classification_source = case when cast(:classification as varchar) is null then classification_source
                                   else 'tag' end,
      classification_tag = cast(:classification_tag as varchar), pet = cast(:pet as varchar),
      pet_tag = cast(:pet_tag as varchar)
    where resource_id = :id""")  # the casts type the parameters for PostgreSQL
COUNTRIES = text("""
    insert into fact_resource_country (resource_id, country, scan_id)
    select f.resource_id, c.country, f.scan_id
    from fact_resource f join resource r on r.id = f.resource_id
    join ref_region_country c on c.provider = r.provider and c.region = f.ref_region
    where f.scan_id = :scan_id""")


# The reference data this scan is judged with, frozen per scan (fact_region, fact_provider): the
# judgements of the view region_location per reference location, and each provider's jurisdiction.
REGIONS = text("""
    insert into fact_region (scan_id, provider, region, location_kind, countries, outside_eea, outside_adequacy,
                             in_ocp_state)
    select :scan_id, g.provider, g.region, g.location_kind, g.countries, coalesce(l.outside_eea, 0),
           coalesce(l.outside_adequacy, 0), coalesce(l.in_ocp_state, 0)
    from ref_region g left join region_location l on l.provider = g.provider and l.region = g.region""")
COUNTRY_FACTS = text("""
    select rc.provider, rc.region, rc.country, c.eea, c.adequacy, c.offensive_cyber_programme
    from ref_region_country rc left join ref_country c on c.iso2 = rc.country
    order by rc.provider, rc.region, rc.country""")
SET_COUNTRY_FACTS = text("""
    update fact_region set country_facts = :facts where scan_id = :scan_id and provider = :provider and region = :region""")
PROVIDERS = text("""
    insert into fact_provider (scan_id, provider, jurisdiction, dpf_certified, jurisdiction_eea, jurisdiction_ocp)
    select :scan_id, p.provider, p.jurisdiction, p.dpf_certified, c.eea, c.offensive_cyber_programme
    from ref_provider p left join ref_country c on c.iso2 = p.jurisdiction""")


def _yes(value: object) -> str:
    return "yes" if value else "no"


def freeze_reference(conn: Connection, scan_id: int) -> None:
    """Copy the judgements of the reference data into this scan's fact_region and fact_provider."""
    conn.execute(REGIONS, {"scan_id": scan_id})
    conn.execute(PROVIDERS, {"scan_id": scan_id})
    facts: dict[tuple[str, str], list[str]] = {}
    for provider, region, country, eea, adequacy, ocp in conn.execute(COUNTRY_FACTS):
        facts.setdefault((provider, region), []).append(
            f"{country} unknown" if adequacy is None else f"{country} eea={_yes(eea)} adequacy={adequacy} ocp={_yes(ocp)}")
    if facts:
        conn.execute(SET_COUNTRY_FACTS, [{"scan_id": scan_id, "provider": p, "region": r, "facts": "; ".join(f)}
                                         for (p, r), f in facts.items()])


def tag_value(tags: dict | None, tag_key: str) -> str | None:
    """The value of a tag (key matched case-insensitively), as found; None when absent or blank."""
    return next((str(v) for k, v in (tags or {}).items() if k.lower() == tag_key.lower() and str(v).strip()), None)


def tag_classification(tags: dict | None, tag_key: str) -> str | None:
    """The classification the configured tag holds: a vocabulary word, 'unknown' for any other value, None without a tag."""
    value = tag_value(tags, tag_key)
    return None if value is None else normalise.classification(value) or "unknown"


def _facts(rid: int, tags: dict | None, tag_key: str) -> dict | None:
    """The tag facts of one resource, or None when it has neither tag."""
    classification_tag, pet_tag = tag_value(tags, tag_key), tag_value(tags, "pet")
    if classification_tag is None and pet_tag is None:
        return None
    return {"id": rid, "classification": tag_classification(tags, tag_key), "classification_tag": classification_tag,
            "pet": normalise.pet(pet_tag) if pet_tag else None, "pet_tag": pet_tag}


def derive_facts(engine: Engine, scan_id: int, tag_key: str) -> int:
    """Write fact_resource and fact_resource_country for one scan; returns the resource count."""
    key = dumps(tag_key.lower())  # the key as it appears in the JSON text, quotes included
    literal = key.replace("!", "!!").replace("%", "!%").replace("_", "!_")  # PostgreSQL's LIKE escapes with \ by default
    binds = {"scan_id": scan_id, "key_pattern": f"%{literal}%", "any_tags": not key.isascii()}  # SQLite lower() is ASCII-only
    with engine.begin() as conn:
        analyze(conn, *INGESTED)
        conn.execute(ALL, {"scan_id": scan_id})
        freeze_reference(conn, scan_id)
    with engine.connect() as reader:
        updates = []
        for rid, tags in reader.execution_options(stream_results=True, yield_per=BATCH).execute(TAGGED, binds):
            facts = _facts(rid, tags, tag_key)
            if facts:
                updates.append(facts)
            if len(updates) >= BATCH:
                _update(engine, updates)
        _update(engine, updates)
    with engine.begin() as conn:
        analyze(conn, "fact_resource", "fact_region")
        conn.execute(COUNTRIES, {"scan_id": scan_id})
        analyze(conn, "fact_resource_country")
        return conn.execute(select(func.count()).select_from(FactResource).where(FactResource.scan_id == scan_id)).scalar_one()


def _update(engine: Engine, updates: list[dict]) -> None:
    """Apply the facts the tags hold; empties the list."""
    if updates:
        with engine.begin() as conn:
            conn.execute(FROM_TAGS, updates)
        updates.clear()
