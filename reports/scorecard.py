"""The scorecard at the top of the HTML report: per pack each control with its worst status and
counts, breakdowns by severity, provider, account and country, and the bar charts drawn from them.

Everything is counted in SQL over all findings of the selection, so it holds at any estate size: one grouped
query per pack, control, provider, account, severity and status gives every breakdown but the countries (a
resource may use several), and the passes per control.
"""

from collections import defaultdict

from sqlalchemy import Engine, func, select

from inventory.tables import Account, FactResourceCountry, Finding, PackControl
from inventory.vocabulary import SEVERITIES
from reports.data import finding_filter, guidance, remediation

WORST_FIRST = ("fail", "error", "transition", "manual", "explained", "pass", "not_applicable")
NOT_PASSING = ("fail", "error", "transition", "manual", "explained")
FAILING = ("fail", "error")
TOP_ACCOUNTS = 10
CHART_WIDTH, LABEL_WIDTH, BAR_HEIGHT, GAP = 420, 200, 18, 6

_f, _c, _a, _frc = Finding.__table__, PackControl.__table__, Account.__table__, FactResourceCountry.__table__


def worst(counts: dict[str, int]) -> str | None:
    return next((s for s in WORST_FIRST if counts.get(s)), None)


_TALLIED = (_f.c.pack, _f.c.control_id, _f.c.provider, _f.c.account_id, _f.c.severity)
PACK, CONTROL, PROVIDER, ACCOUNT, SEVERITY = range(len(_TALLIED))


def _grouped(conn, keys: list, where: list, from_=_f) -> dict[tuple, dict[str, int]]:
    """Counts per status for each combination of ``keys``."""
    found: dict[tuple, dict[str, int]] = defaultdict(dict)
    stmt = select(*keys, _f.c.status, func.count()).select_from(from_).where(*where).group_by(*keys, _f.c.status)
    for *key, status, n in conn.execute(stmt):
        found[tuple(key)][status] = n
    return found


def _tally(conn, where: list) -> dict[tuple, dict[str, int]]:
    """Counts per status for each pack, control, provider, account and severity (``_TALLIED``): one pass over the findings."""
    return _grouped(conn, list(_TALLIED), where)


def _sum(tally: dict[tuple, dict[str, int]], positions: tuple[int, ...], statuses=None) -> dict[tuple, dict[str, int]]:
    """The tally's counts per status added up per combination of the keys at ``positions``, optionally only some statuses."""
    found: dict[tuple, dict[str, int]] = defaultdict(dict)
    for key, counts in tally.items():
        summed = found[tuple(key[i] for i in positions)]
        for status, n in counts.items():
            if statuses is None or status in statuses:
                summed[status] = summed.get(status, 0) + n
    return {key: counts for key, counts in found.items() if counts}


def _rows(grouped: dict[tuple, dict[str, int]], label=lambda key: key[0]) -> list[dict]:
    return [{"key": key, "label": label(key), "counts": counts, "total": sum(counts.values()),
             "failing": sum(counts.get(s, 0) for s in FAILING)} for key, counts in grouped.items()]


def _known(conn, scan_id: int, packs: list[str] | None, lang: str) -> dict[tuple, tuple]:
    """Per pack and control of the scan: its title in ``lang``, severity and document."""
    title = _c.c.title_en if lang == "en" else _c.c.title_nl
    stmt = select(_c.c.pack, _c.c.control_id, title, _c.c.severity, _c.c.document).where(_c.c.scan_id == scan_id)
    if packs:
        stmt = stmt.where(_c.c.pack.in_(packs))
    return {(p, cid): (t, sev, doc) for p, cid, t, sev, doc in conn.execute(stmt)}


def _controls(tally: dict[tuple, dict[str, int]], known: dict[tuple, tuple]) -> list[dict]:
    """Per pack: its document, counts per status, and each control with its counts, worst status and the
    providers where it fails or was not observed."""
    counts = _sum(tally, (PACK, CONTROL))
    where_failing: dict[tuple, dict[str, int]] = defaultdict(dict)
    for (pack, cid, provider), c in _sum(tally, (PACK, CONTROL, PROVIDER), FAILING).items():
        where_failing[(pack, cid)][provider or "–"] = sum(c.values())
    result: dict[str, dict] = {}
    for pack, cid in sorted(set(known) | set(counts)):
        t, sev, doc = known.get((pack, cid), (None, None, None))
        entry = result.setdefault(pack, {"pack": pack, "document": doc, "controls": [], "counts": defaultdict(int)})
        c = counts.get((pack, cid), {})
        entry["controls"].append({"control_id": cid, "title": t or cid, "severity": sev, "counts": c,
                                  "total": sum(c.values()), "worst": worst(c),
                                  "failing_in": sorted(where_failing[(pack, cid)].items(), key=lambda item: -item[1])})
        for status, n in c.items():
            entry["counts"][status] += n
    for entry in result.values():
        entry["total"] = sum(entry["counts"].values())
        entry["failing_controls"] = sum(c["worst"] in FAILING for c in entry["controls"])
    return list(result.values())


def _accounts(conn, scan_id: int, tally: dict[tuple, dict[str, int]]) -> list[dict]:
    names = {(p, a): n for p, a, n in conn.execute(select(_a.c.provider, _a.c.account_id, _a.c.name).where(_a.c.scan_id == scan_id))}
    rows = _rows(_sum(tally, (PROVIDER, ACCOUNT)),
                 lambda key: " ".join(filter(None, (key[0], key[1], names.get(key) and f"({names[key]})"))))
    return sorted(rows, key=lambda r: (-r["failing"], -r["total"], r["label"]))


def _countries(conn, where: list) -> list[dict]:
    """Per country a finding's resource may use (a multi-country resource counts in each); None: no country."""
    joined = _f.outerjoin(_frc, _frc.c.resource_id == _f.c.resource_id)
    rows = _rows(_grouped(conn, [_frc.c.country], where, joined))
    return sorted(rows, key=lambda r: (r["key"][0] is None, -r["failing"], r["key"][0] or ""))


def bars(rows: list[dict], keys: tuple[str, ...], proportional: bool = False) -> dict:
    """Horizontal stacked bars: per row a label and one segment per key (in ``keys`` order), in SVG units."""
    scale = max((r["total"] for r in rows), default=0) or 1
    drawn = []
    for i, row in enumerate(rows):
        x, segs, total = LABEL_WIDTH, [], sum(row["counts"].get(k, 0) for k in keys)
        for key in keys:
            n = row["counts"].get(key, 0)
            if n:
                w = CHART_WIDTH * n / ((total or 1) if proportional else scale)
                segs.append({"key": key, "x": round(x, 2), "w": round(w, 2), "n": n})
                x += w
        drawn.append({"label": row["label"], "total": total, "y": i * (BAR_HEIGHT + GAP), "segs": segs})
    return {"rows": drawn, "legend": keys, "width": LABEL_WIDTH + CHART_WIDTH + 60, "height": max(len(rows), 1) * (BAR_HEIGHT + GAP),
            "bar": BAR_HEIGHT, "label_x": LABEL_WIDTH - 6, "end": LABEL_WIDTH + CHART_WIDTH}


def scorecard(engine: Engine, scan_id: int, packs: list[str] | None, lang: str) -> dict:
    """Counts per pack and control, breakdowns by severity, provider, account and country, charts, and the
    passing findings counted per control (``passes``)."""
    where = finding_filter(scan_id, packs, None)
    with engine.connect() as conn:
        tally, known = _tally(conn, where), _known(conn, scan_id, packs, lang)
        accounts, countries = _accounts(conn, scan_id, tally), _countries(conn, where)
    pack_rows = _controls(tally, known)
    severity = {r["key"][0]: r for r in _rows(_sum(tally, (SEVERITY,)))}
    providers = sorted(_rows(_sum(tally, (PROVIDER,))), key=lambda r: r["label"] or "")
    by_provider_severity = _sum(tally, (PROVIDER, SEVERITY), NOT_PASSING)
    provider_severity = [{"label": p["label"] or "–", "total": 0, "counts": {
        sev: sum(by_provider_severity.get((p["key"][0], sev), {}).values()) for sev in SEVERITIES}} for p in providers]
    for row in provider_severity:
        row["total"] = sum(row["counts"].values())
    top = [a for a in accounts if a["failing"]][:TOP_ACCOUNTS]
    totals: dict[str, int] = defaultdict(int)
    for pack in pack_rows:
        for status, n in pack["counts"].items():
            totals[status] += n
    return {
        "packs": pack_rows, "totals": dict(totals), "accounts": accounts, "countries": countries, "providers": providers,
        "severity": [severity[s] for s in SEVERITIES if s in severity],
        "passes": [{"pack": pack, "control_id": cid, "title": known.get((pack, cid), (None,))[0] or cid, "count": c["pass"]}
                   for (pack, cid), c in sorted(_sum(tally, (PACK, CONTROL), ("pass",)).items())],
        "charts": {
            "packs": bars([{"label": p["pack"], "counts": p["counts"], "total": p["total"]} for p in pack_rows],
                          WORST_FIRST, proportional=True),
            "providers": bars(provider_severity, SEVERITIES),
            "accounts": bars([{"label": a["label"], "counts": a["counts"], "total": a["failing"]} for a in top], FAILING),
        },
    }


def control_info(engine: Engine, scan_id: int, lang: str) -> dict[str, dict]:
    """Per ``pack|control_id``: title, citation, remediation and manual guidance, sent once per control rather than per finding."""
    title = _c.c.title_en if lang == "en" else _c.c.title_nl
    stmt = (select(_c.c.pack, _c.c.control_id, title, _c.c.document, _c.c.section, _c.c.quote, _c.c.remediation, _c.c.manual_nl,
                   _c.c.manual)
            .where(_c.c.scan_id == scan_id))
    with engine.connect() as conn:
        return {f"{p}|{cid}": {"title": t, "document": doc, "section": sec, "quote": q, "remediation": remediation(fix, lang),
                               **dict(zip(("guidance", "guidance_lang"), guidance(nl, en, lang), strict=True))}
                for p, cid, t, doc, sec, q, fix, nl, en in conn.execute(stmt)}
