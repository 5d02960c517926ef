"""The report for CIO Rijk: material public cloud use with its risk analysis and exit plans
(Rijksbreed cloudbeleid 2026, 3.3), personal data per service and country (2022, conditions 3
and 5), the dependency on suppliers under a jurisdiction outside the EEA, and the status of the
register controls.

``cio_rows`` gives one dict per cloud service; the HTML is rendered from those same rows.
Aggregates are counted in portable SQL and combined into lists in Python.
"""

from collections import defaultdict
from datetime import UTC, datetime
from typing import IO

from markupsafe import Markup
from sqlalchemy import Engine, func, select

from inventory.tables import (
    Account,
    Collection,
    FactResource,
    FactResourceCountry,
    Finding,
    PackControl,
    RefCountry,
    RefProvider,
    RegisterService,
    Resource,
)
from reports.data import LANGS, MESSAGE_COLUMNS, STATUS_RANK, check_lang, collection_errors, message, scan_dict, with_messages
from reports.html import csp_hash, environment, inline, strings

PERSONAL = ("persoonsgegevens", "bijzondere-persoonsgegevens")
SPECIAL = "bijzondere-persoonsgegevens"
CONTROLS = ("RBC26-NOTIFY", "RBC26-EXITPLAN", "RBC26-JURISDICTION", "RBC22-RISK")
EXIT_PARTS = ("exit_portability_terms", "exit_alternative", "exit_crisis", "exit_regular")
NOT_CLOUD_PROVIDER, NOT_CLOUD_KIND = "onprem", "onprem-endpoint"

_a, _rs, _r, _c = Account.__table__, RegisterService.__table__, Resource.__table__, Collection.__table__
_fr, _frc, _f = FactResource.__table__, FactResourceCountry.__table__, Finding.__table__


def _services(conn, scan_id: int) -> tuple[dict, dict]:
    """Discovered cloud accounts and register entries of the scan, keyed by (provider, account_id).

    Register entries of a provider the scan collected nothing from lie outside its configuration
    (another job's estate, say): they are left out rather than called not discovered."""
    accounts = conn.execute(select(_a.c.provider, _a.c.account_id, _a.c.name, _a.c.estate)
                            .where(_a.c.scan_id == scan_id, _a.c.kind != NOT_CLOUD_KIND)).mappings()
    scanned = select(_c.c.provider).where(_c.c.scan_id == scan_id).distinct()
    register = conn.execute(select(_rs).where(_rs.c.scan_id == scan_id, _rs.c.provider != NOT_CLOUD_PROVIDER,
                                              _rs.c.provider.in_(scanned))).mappings()
    return ({(a["provider"], a["account_id"]): dict(a) for a in accounts},
            {(r["provider"], r["account_id"]): dict(r) for r in register})


def _resource_counts(conn, scan_id: int) -> dict:
    """Per service: resources, those without a known country, and the same for (special) personal data."""
    counts: dict = defaultdict(lambda: defaultdict(int))
    stmt = (select(_r.c.provider, _r.c.account_id, _fr.c.classification, func.count(_r.c.id), func.count(_fr.c.countries))
            .select_from(_r.outerjoin(_fr, _fr.c.resource_id == _r.c.id)).where(_r.c.scan_id == scan_id)
            .group_by(_r.c.provider, _r.c.account_id, _fr.c.classification))
    for provider, account_id, classification, total, located in conn.execute(stmt):
        c = counts[(provider, account_id)]
        c["resources"] += total
        c["unlocated"] += total - located
        if classification in PERSONAL:
            c["personal"] += total
            c["personal_unlocated"] += total - located
        if classification == SPECIAL:
            c["special"] += total
    return counts


def _countries(conn, scan_id: int) -> dict:
    """Per service: the countries its resources may use, and those of its personal-data resources."""
    found: dict = defaultdict(lambda: {"all": set(), "personal": set()})
    stmt = (select(_r.c.provider, _r.c.account_id, _frc.c.country, _fr.c.classification)
            .select_from(_r.join(_frc, _frc.c.resource_id == _r.c.id).outerjoin(_fr, _fr.c.resource_id == _r.c.id))
            .where(_r.c.scan_id == scan_id).group_by(_r.c.provider, _r.c.account_id, _frc.c.country, _fr.c.classification))
    for provider, account_id, country, classification in conn.execute(stmt):
        found[(provider, account_id)]["all"].add(country)
        if classification in PERSONAL:
            found[(provider, account_id)]["personal"].add(country)
    return found


def _controls(conn, scan_id: int) -> dict:
    """Per service: status and message (in each language) of each register control; the worst when a control has several."""
    found: dict = defaultdict(dict)
    stmt = (select(_f.c.provider, _f.c.account_id, _f.c.control_id, *(c.label(n) for n, c in MESSAGE_COLUMNS.items()))
            .select_from(with_messages(_f))
            .where(_f.c.scan_id == scan_id, _f.c.control_id.in_(CONTROLS), _f.c.account_id.is_not(None))
            .order_by(STATUS_RANK, _f.c.id))
    for row in conn.execute(stmt).mappings():
        found[(row["provider"], row["account_id"])].setdefault(row["control_id"], {
            "status": row["status"], "message": {lang: message(row, lang) for lang in LANGS},
            "message_lang": {lang: lang if row["message_key"] else "en" for lang in LANGS}})
    return found


def _reference(conn) -> tuple[dict, set]:
    """Provider name and jurisdiction with its EEA membership; the set of EEA countries."""
    p, c = RefProvider.__table__, RefCountry.__table__
    providers = {row["provider"]: dict(row) for row in conn.execute(
        select(p.c.provider, p.c.name, p.c.jurisdiction, c.c.eea)
        .select_from(p.outerjoin(c, c.c.iso2 == p.c.jurisdiction))).mappings()}
    eea = {iso2 for iso2, member in conn.execute(select(c.c.iso2, c.c.eea)) if member}
    return providers, eea


def _outside_eea(countries: set, unlocated: int, observed: bool, eea: set) -> bool | None:
    """True when a country is outside the EEA; None when that cannot be ruled out (not observed, no location)."""
    if any(country not in eea for country in countries):
        return True
    return None if unlocated or not observed else False


def _inventory_failed(engine: Engine, scan_id: int, accounts: dict) -> set:
    """Services whose resource listing failed (for the account itself or for its whole estate)."""
    failed = set()
    for e in collection_errors(engine, scan_id):
        if e["area"] != "inventory":
            continue
        failed |= {key for key, a in accounts.items() if key[0] == e["provider"]
                   and (e["account_id"] == key[1] or (e["account_id"] is None and e["estate"] == a["estate"]))}
    return failed


def cio_rows(engine: Engine, scan_id: int) -> list[dict]:
    """One dict per cloud service: every discovered account with its register entry, then register
    entries this scan did not discover. ``material`` is None when the service is not in the register."""
    scan_dict(engine, scan_id)  # fails clearly for an unknown scan
    with engine.connect() as conn:
        accounts, register = _services(conn, scan_id)
        counts, countries = _resource_counts(conn, scan_id), _countries(conn, scan_id)
        controls, (providers, eea) = _controls(conn, scan_id), _reference(conn)
    failed = _inventory_failed(engine, scan_id, accounts)
    rows = []
    for key in [*sorted(accounts), *sorted(set(register) - set(accounts))]:
        acct, reg, n, where = accounts.get(key), register.get(key), counts[key], countries[key]
        ref = providers.get(key[0]) or {}
        observed = acct is not None and key not in failed
        rows.append({
            "provider": key[0], "account_id": key[1], "name": reg["name"] if reg else acct["name"],
            "account_name": acct["name"] if acct else None, "discovered": acct is not None,
            "registered": reg is not None, "owner": reg and reg["owner"], "material": reg["material"] if reg else None,
            "service_model": reg and reg["service_model"],
            "risk_assessment_ref": reg and reg["risk_assessment_ref"],
            "risk_assessment_date": reg and reg["risk_assessment_date"],
            "risk_covers_jurisdiction": reg["risk_covers_jurisdiction"] if reg else None,
            "exit_plan": reg and reg["exit_plan_ref"], "emergency_plan": reg and reg["emergency_plan_ref"],
            "exit_parts": sum(bool(reg[part]) for part in EXIT_PARTS) if reg else None,
            "right_to_audit": reg and reg["right_to_audit"], "contract_end": reg and reg["contract_end"],
            "reported_to_cio_rijk": reg and reg["reported_to_cio_rijk"],
            "provider_name": ref.get("name"), "jurisdiction": ref.get("jurisdiction"),
            "jurisdiction_eea": ref.get("eea"),
            "inventory_observed": observed, "resources": n["resources"], "unlocated_resources": n["unlocated"],
            "countries": sorted(where["all"]), "personal_resources": n["personal"], "special_resources": n["special"],
            "personal_countries": sorted(where["personal"]),
            "outside_eea": _outside_eea(where["all"], n["unlocated"], observed, eea),
            "personal_outside_eea": _outside_eea(where["personal"], n["personal_unlocated"], observed, eea),
            "controls": controls.get(key, {}),
        })
    return rows


def dependencies(rows: list[dict]) -> list[dict]:
    """Per provider jurisdiction outside the EEA (or unknown): the material services that would stop
    if that supplier cut access, and the services whose materiality is unknown (not in the register)."""
    groups: dict = {}
    for row in rows:
        if row["jurisdiction_eea"] or row["material"] is False:
            continue
        group = groups.setdefault(row["jurisdiction"], {
            "jurisdiction": row["jurisdiction"], "providers": set(), "material": [], "unknown": []})
        group["providers"].add(row["provider_name"] or row["provider"])
        group["material" if row["material"] else "unknown"].append(row)
    return [{**g, "providers": sorted(g["providers"]),
             "resources": sum(r["resources"] for r in g["material"]),
             "without_emergency_plan": sum(not r["emergency_plan"] for r in g["material"])}
            for _, g in sorted(groups.items(), key=lambda item: item[0] or "~")]


def control_titles(engine: Engine, scan_id: int, lang: str) -> dict[str, str]:
    c = PackControl.__table__
    title = c.c.title_en if lang == "en" else c.c.title_nl
    with engine.connect() as conn:
        found = dict(conn.execute(select(c.c.control_id, title).where(c.c.scan_id == scan_id, c.c.control_id.in_(CONTROLS))).all())
    return {cid: found.get(cid) or cid for cid in CONTROLS}


def css_string(text: str) -> str:
    """Text as a quoted CSS string that cannot end the string or the style element."""
    escaped = "".join(ch if ch.isalnum() or ch in " .,:;-_()/'" else f"\\{ord(ch):x} " for ch in text)
    return f'"{escaped}"'


def page_header(scan: dict, ui: dict) -> str:
    """Printed page margins: organisation and scan date at the top of every page, page numbers at the bottom."""
    left = f"{ui['cio']['title']} · {scan['organisation_name'] or ''} · {ui['cio']['scan_date']} {(scan['started_at'] or '')[:10]}"
    return ("@page { @top-left { content: " + css_string(left) + "; font-size: 8pt; }"
            " @bottom-right { content: counter(page) \" / \" counter(pages); font-size: 8pt; } }")


def cio_context(engine: Engine, scan_id: int, lang: str = "nl") -> dict:
    """Everything the template needs, built from ``cio_rows``; styles for screen and A4 landscape print."""
    ui = strings()[check_lang(lang)]
    rows, scan = cio_rows(engine, scan_id), scan_dict(engine, scan_id)
    styles = [inline("report.css.j2"), inline("print.css.j2")]
    header = page_header(scan, ui)
    styles.append((Markup(header), csp_hash(header)))
    return {
        "lang": lang, "ui": ui, "t": ui["cio"], "scan": scan,
        "rows": rows, "dependencies": dependencies(rows), "controls": control_titles(engine, scan_id, lang),
        "errors": collection_errors(engine, scan_id), "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "styles": [style for style, _ in styles],
        "csp": f"default-src 'none'; style-src {' '.join(h for _, h in styles)}; base-uri 'none'; form-action 'none'",
    }


def write_cio(context: dict, out: IO[str]) -> None:
    """Render the CIO Rijk report (one self-contained HTML file)."""
    for chunk in environment().get_template("cio.html.j2").generate(**context):
        out.write(chunk)
