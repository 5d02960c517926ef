"""Loading the reference data (policies/reference/*.csv) into the ref_* tables."""

import csv

from sqlalchemy import Engine, delete, insert

from inventory.tables import RefCountry, RefProvider, RefRegion, RefRegionCountry
from policies import REFERENCE_DIR


def _rows(name: str) -> list[dict]:
    with (REFERENCE_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _adequacy(row: dict) -> str:
    """Reduce the adequacy column to what the checks need (see RefCountry.adequacy)."""
    if row["eea"] == "yes":
        return "eea"
    if row["eu_adequacy"] == "yes":
        return "full"
    if row["eu_adequacy"] == "partial":
        return "dpf_only" if "Data Privacy Framework" in row["adequacy_note"] else "commercial_only"
    return "none"


def reference_rows() -> dict[type, list[dict]]:
    regions = _rows("regions.csv")
    return {
        RefRegion: [{k: r[k] or None for k in ("provider", "region", "display_name", "location_kind", "countries",
                                               "city_or_area", "notes")} for r in regions],
        RefRegionCountry: [{"provider": r["provider"], "region": r["region"], "country": c}
                           for r in regions for c in filter(None, r["countries"].split(";"))],
        RefCountry: [{"iso2": r["iso2"], "name": r["name"], "eea": r["eea"] == "yes", "adequacy": _adequacy(r),
                      "adequacy_note": r["adequacy_note"] or None,
                      "offensive_cyber_programme": r["offensive_cyber_programme_nl"].startswith("yes"),
                      "ocp_source": r["ocp_source"] or None, "notes": r["notes"] or None}
                     for r in _rows("countries.csv")],
        RefProvider: [{"provider": r["provider"], "name": r["name"], "jurisdiction": r["jurisdiction"],
                       "dpf_certified": r["dpf_certified"] == "yes", "source": r["source"]}
                      for r in _rows("providers.csv")],
    }


def load_reference(engine: Engine) -> None:
    """Replace the reference tables with the data shipped in this version."""
    with engine.begin() as conn:
        for table, rows in reference_rows().items():
            conn.execute(delete(table))
            conn.execute(insert(table), rows)
