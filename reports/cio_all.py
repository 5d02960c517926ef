"""The consolidated report for CIO Rijk: material public cloud use across every organisation in
one database, with per-organisation totals and the suppliers and jurisdictions they depend on
(Rijksbreed cloudbeleid 2026, section 3.1: how many organisations depend on which supplier).

Each organisation's current state is the newest finished scan of each of its estates (view
``latest_estate_scan``), so one scheduled job per estate into one database gives a whole picture.
A service is taken from the newest scan that discovered it; a register entry no scan discovered
is kept as not discovered. The rows are those of :func:`reports.cio.cio_rows`.
"""

from collections import defaultdict
from datetime import UTC, datetime
from typing import IO

from sqlalchemy import Engine, text

from reports.cio import cio_rows
from reports.data import check_lang
from reports.html import environment, inline, strings

LATEST = text("select organisation_name, scan_id from latest_estate_scan order by organisation_name, scan_id desc")


def organisation_rows(engine: Engine) -> dict[str, list[dict]]:
    """Per organisation (by name): one row per cloud service, from its estates' newest finished scans."""
    scans: dict[str, list[int]] = defaultdict(list)
    with engine.connect() as conn:
        for organisation, scan_id in conn.execute(LATEST):
            if scan_id not in scans[organisation or ""]:
                scans[organisation or ""].append(scan_id)
    found: dict[str, list[dict]] = {}
    for organisation, scan_ids in scans.items():
        services: dict[tuple[str, str], dict] = {}
        for scan_id in scan_ids:  # newest first
            for row in cio_rows(engine, scan_id):
                key = (row["provider"], row["account_id"])
                if key not in services or (row["discovered"] and not services[key]["discovered"]):
                    services[key] = {**row, "scan_id": scan_id}
        found[organisation] = [services[key] for key in sorted(services)]
    return found


def totals(rows: list[dict]) -> dict:
    """What CIO Rijk asks per organisation: material use, and where risk analysis, exit plan or notification lack."""
    material = [r for r in rows if r["material"]]
    return {
        "services": len(rows), "material": len(material),
        "unregistered": sum(r["material"] is None for r in rows),
        "without_risk_assessment": sum(not r["risk_assessment_ref"] for r in material),
        "without_exit_plan": sum(not r["exit_plan"] for r in material),
        "not_reported": sum(not r["reported_to_cio_rijk"] for r in material),
        "outside_eea": sum(r["outside_eea"] is True for r in rows),
        "location_unknown": sum(r["outside_eea"] is None for r in rows),
    }


def suppliers(by_organisation: dict[str, list[dict]]) -> list[dict]:
    """Per supplier: the organisations that use it materially, and those whose use of it is not in the register."""
    found: dict = {}
    for organisation, rows in by_organisation.items():
        for r in rows:
            if r["material"] is False:
                continue
            s = found.setdefault((r["provider_name"] or r["provider"], r["jurisdiction"]), {
                "supplier": r["provider_name"] or r["provider"], "jurisdiction": r["jurisdiction"],
                "jurisdiction_eea": r["jurisdiction_eea"], "material": set(), "unknown": set(), "services": 0})
            s["material" if r["material"] else "unknown"].add(organisation)
            s["services"] += bool(r["material"])
    return sorted(({**s, "material": sorted(s["material"]), "unknown": sorted(s["unknown"] - s["material"])}
                   for s in found.values()), key=lambda s: (-len(s["material"]), s["supplier"]))


def cio_all_context(engine: Engine, lang: str = "nl") -> dict:
    ui = strings()[check_lang(lang)]
    by_organisation = organisation_rows(engine)
    style, style_hash = inline("report.css.j2")
    return {
        "lang": lang, "ui": ui, "t": ui["cio"], "a": ui["cio_all"],
        "organisations": [{"name": name, "totals": totals(rows), "rows": rows} for name, rows in by_organisation.items()],
        "suppliers": suppliers(by_organisation), "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "style": style, "csp": f"default-src 'none'; style-src {style_hash}; base-uri 'none'; form-action 'none'",
    }


def write_cio_all(context: dict, out: IO[str]) -> None:
    """Render the consolidated CIO Rijk report (one self-contained HTML file)."""
    for chunk in environment().get_template("cio_all.html.j2").generate(**context):
        out.write(chunk)
