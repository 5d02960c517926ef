"""Findings are judged in a draft, then stored compactly.

The engine writes a scan's findings into ``finding_draft`` and the transition facts into
``finding_transition_draft``, temporary tables of its own connection (the checks insert, the rules
update). ``store_drafts`` then moves them into storage: what a finding says goes into
``finding_body`` once, shared by every scan that judged the same, and each finding of the scan
becomes one small ``finding_row`` pointing at it. The view ``finding`` (views.sql) shows both as one
table, so a scan that judges what the scan before it judged adds little more than its rows.
"""

from sqlalchemy import JSON, Column, Connection, Integer, MetaData, Table, Text, and_, bindparam, case, cast, func, insert, select, update
from sqlalchemy import text as sql

from inventory.db import finding_key
from inventory.tables import Finding, FindingBody, FindingRow, FindingTransition

_drafts = MetaData()


def _draft(model: type, name: str, *extra: Column) -> Table:
    """A temporary table with the model's columns and none of its constraints (a draft is checked when stored)."""
    return Table(name, _drafts, *(Column(c.name, c.type, primary_key=c.primary_key) for c in model.__table__.c), *extra,
                 prefixes=["TEMPORARY"])


DRAFT = _draft(Finding, "finding_draft", Column("body_id", Integer))  # body_id: the stored body that says the same
TRANSITION_DRAFT = _draft(FindingTransition, "finding_transition_draft")

_b, _r, _t = FindingBody.__table__, FindingRow.__table__, FindingTransition.__table__
SAYS = tuple(c.name for c in _b.c if c.name != "id")
SCANNED = tuple(c.name for c in _r.c if c.name not in ("id", "body_id"))


def _same(name: str):
    """The body's column equals the draft's, nulls equal (JSON compared as its text)."""
    body, draft = _b.c[name], DRAFT.c[name]
    if isinstance(body.type, JSON):
        body, draft = cast(body, Text), cast(draft, Text)
    return body.is_not_distinct_from(draft)


SAME_BODY = and_(_b.c.key == DRAFT.c.key, *(_same(name) for name in SAYS if name != "key"))  # ix_finding_body_key
STORED_BODIES = update(DRAFT).values(body_id=select(func.min(_b.c.id)).where(SAME_BODY).scalar_subquery())
# A new body's id: after the last stored one, numbered in draft order among the drafts without a stored body.
NEW_BODY_NUMBER = func.sum(case((DRAFT.c.body_id.is_(None), 1), else_=0)).over(order_by=DRAFT.c.id)
NEW_BODIES = insert(_b).from_select(("id", *SAYS), select(bindparam("last_body") + NEW_BODY_NUMBER,
                                                          *(DRAFT.c[n] for n in SAYS)).where(DRAFT.c.body_id.is_(None)))
ROWS = insert(_r).from_select(
    ("id", "body_id", *SCANNED),
    select(DRAFT.c.id + bindparam("last_row"), func.coalesce(DRAFT.c.body_id, bindparam("last_body") + NEW_BODY_NUMBER),
           *(DRAFT.c[n] for n in SCANNED)))
TRANSITIONS = insert(_t).from_select(
    [c.name for c in _t.c],
    select(*(TRANSITION_DRAFT.c[c.name] + bindparam("last_row") if c.name == "finding_id" else TRANSITION_DRAFT.c[c.name]
             for c in _t.c)))
LAST_IDS = select(select(func.coalesce(func.max(_r.c.id), 0)).scalar_subquery().label("last_row"),
                  select(func.coalesce(func.max(_b.c.id), 0)).scalar_subquery().label("last_body"))
# Store one scan at a time: SQLite takes the write lock at once (a deferred transaction that read first could
# not take it if another connection wrote meanwhile); PostgreSQL's scans storing at the same time take turns.
TAKE_TURNS = {"sqlite": "begin immediate", "postgresql": "lock table finding_row, finding_body in share row exclusive mode"}
KEYS = sql(f"update finding_draft set key = "
           f"{finding_key('control_id', 'check_id', 'provider', 'account_id', 'finding_draft.resource_id')} where key is null")


def open_drafts(conn: Connection) -> None:
    """Empty drafts on this connection (a draft left by a failed evaluation is dropped first)."""
    for table in _drafts.sorted_tables:
        conn.execute(sql(f"drop table if exists {table.name}"))
    _drafts.create_all(conn, checkfirst=False)


def index_drafts(conn: Connection) -> None:
    """Index the drafts for the rules' lookups by control, once the checks have written them (one sort costs less
    than keeping the index row by row)."""
    conn.execute(sql("create index ix_finding_draft_control on finding_draft (control_id, pack, status)"))


def set_draft_keys(conn: Connection) -> None:
    """Give the draft findings written without a key (by the rules, or without a check) their key."""
    conn.execute(KEYS)


def store_drafts(conn: Connection) -> int:
    """Store every draft finding and transition fact, then drop the drafts, in a transaction of its own (the
    connection must have none open; the caller commits). A stored finding's id is its draft id plus the returned
    offset, so a scan's findings keep one id range."""
    conn.execute(sql(TAKE_TURNS[conn.dialect.name]))
    conn.execute(STORED_BODIES)
    last = conn.execute(LAST_IDS).one()._asdict()
    conn.execute(NEW_BODIES, last)
    conn.execute(ROWS, last)
    conn.execute(TRANSITIONS, last)
    for table in reversed(_drafts.sorted_tables):
        conn.execute(sql(f"drop table {table.name}"))
    return last["last_row"]
