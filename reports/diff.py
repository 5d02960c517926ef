"""What changed between two scans: findings that are new, resolved, or changed status, matched by key.

Both scans' findings stream from the database in key order and are merged, so memory holds the
changes, not the scans. A check may report several findings for one subject (one per enabled
security product and region, say); those share a key and are paired by message, then by status.
"""

from collections.abc import Iterator
from dataclasses import asdict, dataclass
from itertools import groupby

from sqlalchemy import Engine, and_, select

from inventory.errors import UserError
from inventory.tables import Finding, ResourceState, Scan
from reports.data import FINISHED, LANGS, MESSAGE_COLUMNS, latest_scan_id, message, scan_dict, with_messages, with_resource

KINDS = ("new", "resolved", "changed")
HEADINGS = {"nl": {"new": "Nieuw", "resolved": "Opgelost", "changed": "Status gewijzigd", "none": "Geen verschillen",
                   "title": "Verschillen tussen scan {before} en scan {after}", "organisation": "organisatie"},
            "en": {"new": "New", "resolved": "Resolved", "changed": "Status changed", "none": "No differences",
                   "title": "Differences between scan {before} and scan {after}", "organisation": "organisation"}}

_f, _r, _s = Finding.__table__, ResourceState.__table__, Scan.__table__


@dataclass(frozen=True)
class Change:
    """One difference: ``before``/``after`` are the statuses (None where the finding did not exist)."""

    kind: str
    key: str
    pack: str
    control_id: str
    provider: str | None
    account_id: str | None
    resource_uid: str | None
    before: str | None
    after: str | None
    message: str  # as stored: English (the key's pairing uses it)
    messages: dict  # the message in each language

    def subject(self, lang: str = "en") -> str:
        """The resource or account judged, or the organisation for organisation-level findings."""
        parts = [p for p in (self.provider, self.account_id, self.resource_uid) if p]
        return " ".join(parts) or HEADINGS[lang]["organisation"]


@dataclass
class Diff:
    before: dict  # the earlier scan, as reports.data.scan_dict
    after: dict
    new: list[Change]
    resolved: list[Change]
    changed: list[Change]

    def as_dict(self) -> dict:
        return {"from": self.before, "to": self.after,
                **{kind: [asdict(c) | {"subject": c.subject()} for c in getattr(self, kind)] for kind in KINDS}}


def _finished(engine: Engine, scan_id: int) -> int:
    with engine.connect() as conn:
        status = conn.execute(select(_s.c.status).where(_s.c.id == scan_id)).scalar()
    if status is None:
        raise UserError("reports.scan_missing", scan=scan_id)
    if status not in FINISHED:
        raise UserError("reports.scan_unfinished", scan=scan_id, status=status)
    return scan_id


def scan_pair(engine: Engine, organisation: str | None, before: int | None, after: int | None) -> tuple[int, int]:
    """The scans to compare: as given, else the latest finished scan of the organisation and the one before it."""
    after = _finished(engine, after) if after else latest_scan_id(engine, organisation)
    if after is not None and before is None:
        with engine.connect() as conn:
            organisation = conn.execute(select(_s.c.organisation_name).where(_s.c.id == after)).scalar()
        before = latest_scan_id(engine, organisation, after)
    if before is None or after is None:
        raise UserError("reports.too_few_scans", organisation=organisation)
    return _finished(engine, before), after


def _stream(engine: Engine, scan_id: int) -> Iterator[tuple[str, list]]:
    """The scan's findings grouped by key, in key order (byte order on both databases)."""
    collation = "C" if engine.dialect.name == "postgresql" else "BINARY"
    stmt = (select(_f.c.key, _f.c.pack, _f.c.control_id, _f.c.provider, _f.c.account_id, _r.c.uid.label("resource_uid"),
                   *(c.label(n) for n, c in MESSAGE_COLUMNS.items()))
            .select_from(with_resource(with_messages(_f)))
            .where(and_(_f.c.scan_id == scan_id, _f.c.key.is_not(None)))
            .order_by(_f.c.key.collate(collation), _f.c.message.collate(collation), _f.c.id))
    with engine.connect() as conn:
        rows = conn.execution_options(yield_per=1000).execute(stmt)
        for key, group in groupby(rows, key=lambda row: row.key):
            yield key, list(group)


def _change(kind: str, before, after) -> Change:
    row = after or before
    return Change(kind=kind, key=row.key, pack=row.pack, control_id=row.control_id, provider=row.provider,
                  account_id=row.account_id, resource_uid=row.resource_uid, before=before and before.status,
                  after=after and after.status, message=row.message,
                  messages={lang: message(row._mapping, lang) for lang in LANGS})


def _pair(before: list, after: list) -> Iterator[Change]:
    """Match the findings of one key: same message first, then same status, then any; the rest are new or resolved."""
    for same in (lambda b, a: b.message == a.message, lambda b, a: b.status == a.status, lambda b, a: True):
        for b in list(before):
            match = next((a for a in after if same(b, a)), None)
            if match is not None:
                before.remove(b)
                after.remove(match)
                if b.status != match.status:
                    yield _change("changed", b, match)
    yield from (_change("resolved", b, None) for b in before)
    yield from (_change("new", None, a) for a in after)


def _merge(before: Iterator[tuple[str, list]], after: Iterator[tuple[str, list]]) -> Iterator[Change]:
    end = (None, [])
    b, a = next(before, end), next(after, end)
    while b[0] is not None or a[0] is not None:
        if a[0] is None or (b[0] is not None and b[0] < a[0]):
            yield from _pair(b[1], [])
            b = next(before, end)
        elif b[0] is None or a[0] < b[0]:
            yield from _pair([], a[1])
            a = next(after, end)
        else:
            yield from _pair(b[1], a[1])
            b, a = next(before, end), next(after, end)


def diff_scans(engine: Engine, before: int, after: int) -> Diff:
    """The findings of scan ``after`` compared with those of scan ``before``."""
    result = Diff(before=scan_dict(engine, before), after=scan_dict(engine, after), new=[], resolved=[], changed=[])
    for change in _merge(_stream(engine, before), _stream(engine, after)):
        getattr(result, change.kind).append(change)
    return result


def changes_since_previous(engine: Engine, scan_id: int) -> Diff | None:
    """For a report of one scan: the differences with the organisation's previous finished scan, or None."""
    with engine.connect() as conn:
        organisation = conn.execute(select(_s.c.organisation_name).where(_s.c.id == scan_id)).scalar()
    previous = latest_scan_id(engine, organisation, scan_id)
    return None if previous is None else diff_scans(engine, previous, scan_id)


def diff_text(diff: Diff, lang: str = "nl") -> str:
    """The differences as plain text, one line per change under a heading per kind."""
    words = HEADINGS[lang]
    lines = [words["title"].format(before=diff.before["id"], after=diff.after["id"])]
    for kind in KINDS:
        changes = getattr(diff, kind)
        if changes:
            lines.append(f"\n{words[kind]} ({len(changes)})")
        for c in changes:
            status = f"{c.before} -> {c.after}" if kind == "changed" else (c.after or c.before)
            lines.append(f"  {c.control_id}  {status}  {c.subject(lang)}  {c.messages[lang]}  [{c.key}]")
    if not any(getattr(diff, kind) for kind in KINDS):
        lines.append(words["none"])
    return "\n".join(lines) + "\n"
