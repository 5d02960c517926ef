"""`wolkenwacht db prune`: old scans go with every row that belongs to them; the rest stays as it was."""

from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import inspect, text

from connectors.registry import TABLES
from inventory.db import connect, create_schema
from scanner.cli import main
from tests.checks.golden import golden_estate
from tests.support import add_scan, judge, store
from tests.test_migrations import release_db

FIXTURE_ORGANISATION = "Ministerie van Binnenwateren"  # the organisation of the 0.1.0 fixture's scan


def rows_per_scan(engine) -> dict[tuple[str, int], int]:
    """(table, scan id) -> rows, over every table that has a scan_id, plus the scan table itself."""
    counts = {}
    with engine.connect() as conn:
        found = inspect(conn)
        for table in found.get_table_names():
            column = "id" if table == "scan" else "scan_id"
            if column in {c["name"] for c in found.get_columns(table)}:
                for scan_id, n in conn.execute(text(f'select {column}, count(*) from "{table}" group by {column}')):
                    counts[(table, scan_id)] = n
        counts[("ref_region", 0)] = conn.execute(text("select count(*) from ref_region")).scalar_one()
    return counts


def shared(engine, sql: str) -> dict[int, set]:
    """Scan -> the distinct shared things its rows hold (``sql`` selects scan id and thing)."""
    held = {}
    with engine.connect() as conn:
        for scan_id, thing in conn.execute(text(sql)):
            held.setdefault(scan_id, set()).add(thing)
    return held


def only_in(held: dict[int, set], scan_id: int) -> set:
    return held[scan_id] - set().union(*(things for other, things in held.items() if other != scan_id))


RAW_ANSWERS = "select scan_id, raw from resource"  # as the view shows them
BODIES = "select scan_id, body_id from finding_row"
STATES = "select scan_id, state_id from resource_row"


def scan(engine, started: datetime, organisation: str = FIXTURE_ORGANISATION, finished: bool = True) -> int:
    scan_id = add_scan(engine, started)
    store(engine, scan_id, golden_estate().rows())
    judge(engine, scan_id)
    with engine.begin() as conn:
        conn.execute(text("update scan set organisation_name = :o, finished_at = :f where id = :s"),
                     {"o": organisation, "s": scan_id, "f": started if finished else None})
    return scan_id


@pytest.fixture
def history(tmp_path):
    """The 0.1.0 fixture's scan (every table filled, started today) upgraded, plus newer and other scans."""
    path = release_db(tmp_path)
    engine = connect(f"sqlite:///{path}")
    create_schema(engine, TABLES)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(text("update scan set started_at = :t, finished_at = :t where id = 1"),
                     {"t": now - timedelta(days=40)})
    ids = {"old": 1, "middle": scan(engine, now - timedelta(days=20)), "new": scan(engine, now - timedelta(days=1)),
           "other": scan(engine, now - timedelta(days=50), organisation="Andere organisatie"),
           "running": scan(engine, now, finished=False)}
    config = tmp_path / "config.toml"
    config.write_text(f'database = "sqlite:///{path}"\n[organisation]\nname = "{FIXTURE_ORGANISATION}"\n')
    return engine, config, ids


def prune(config, *args):
    result = CliRunner().invoke(main, ["db", "prune", "--config", str(config), *args])
    return result.exit_code, " ".join(result.output.split())


def test_keep_removes_older_scans_and_all_their_rows(history):
    engine, config, ids = history
    before = rows_per_scan(engine)
    old_rows = {table: n for (table, scan_id), n in before.items() if scan_id == ids["old"]}
    assert len(old_rows) >= 20 and "m365_user" in old_rows and "onprem_endpoint" in old_rows
    answers, bodies = only_in(shared(engine, RAW_ANSWERS), ids["old"]), only_in(shared(engine, BODIES), ids["old"])
    states = only_in(shared(engine, STATES), ids["old"])
    kept_findings = findings_except(engine, ids["old"])
    code, output = prune(config, "--keep", "2")
    assert code == 0, output
    assert output.startswith(f"removed 1 scan(s) of {FIXTURE_ORGANISATION}: ")
    reported = dict(reversed(part.split(" ", 1)) for part in output.split(": ", 1)[1].split(", "))
    assert answers and bodies and states
    assert {table: int(n) for table, n in reported.items()} == old_rows | {
        "raw_document": len(answers), "finding_body": len(bodies), "resource_state": len(states)}
    assert rows_per_scan(engine) == {k: n for k, n in before.items() if k[1] != ids["old"]}
    assert findings_except(engine, ids["old"]) == kept_findings  # the bodies they share with the old scan stay


def findings_except(engine, scan_id: int) -> list:
    with engine.connect() as conn:
        return conn.execute(text("select * from finding where scan_id <> :s order by id"), {"s": scan_id}).all()


def test_older_than_and_nothing_to_remove(history):
    engine, config, ids = history
    before = rows_per_scan(engine)
    assert prune(config, "--older-than", "30")[0] == 0
    after = rows_per_scan(engine)
    assert after == {k: n for k, n in before.items() if k[1] != ids["old"]}  # the other organisation's older scan stays
    code, output = prune(config, "--older-than", "30")
    assert (code, output) == (0, f"removed 0 scan(s) of {FIXTURE_ORGANISATION}")
    assert prune(config, "--keep", "5")[1] == f"removed 0 scan(s) of {FIXTURE_ORGANISATION}"  # fewer finished scans
    assert rows_per_scan(engine) == after
    assert prune(config, "--keep", "1")[0] == 0
    assert {scan_id for _, scan_id in rows_per_scan(engine)} == {0, ids["new"], ids["other"], ids["running"]}


def test_prune_needs_exactly_one_limit(history):
    _, config, _ = history
    assert prune(config) == (2, "error: db prune: give either --keep N or --older-than DAYS")
    assert prune(config, "--keep", "1", "--older-than", "3")[0] == 2
    assert prune(config, "--keep", "0")[0] == 2
