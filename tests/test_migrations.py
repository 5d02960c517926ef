"""Schema migrations: a database of every released schema upgrades to this version with nothing lost,
and the migrations build exactly the schema the table models describe, on SQLite and PostgreSQL."""

import gzip
import json
import shutil
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from click.testing import CliRunner
from sqlalchemy import MetaData, create_engine, inspect, select, text

from connectors.registry import TABLES
from findings.engine import Params, run_check
from findings.packs import Check
from inventory import migrations
from inventory.db import connect, create_schema
from inventory.migrations import BASELINE, SchemaError, head, metadata
from scanner.cli import main
from tests.checks.golden import golden_estate
from tests.reports.test_auditor import readme_queries
from tests.support import add_scan, judge, store

FIXTURES = Path(__file__).parent / "fixtures" / "db"
DEMO_ORGANISATION = "Ministerie van Binnenwateren"  # the organisation of the release databases' demo scan
VIEWS = {"latest_scan", "latest_estate_scan", "latest_resource", "latest_finding", "region_location", "resource_location",
         "cio_service", "cio_supplier", "resource", "finding"}
TABLE_VIEWS = {"resource", "finding"}  # views that show what a table of an older schema held, as it held it


def release_db(tmp_path: Path, version: str = "0.1.0") -> Path:
    """A copy of the database written by a released version (tests/fixtures/db/<version>.sqlite.gz)."""
    path = tmp_path / f"{version}.db"
    with gzip.open(FIXTURES / f"{version}.sqlite.gz") as packed, path.open("wb") as out:
        shutil.copyfileobj(packed, out)
    return path


def snapshot(engine) -> dict[str, Counter]:
    """Every row of every table (and of the views standing where a table was), as a multiset per table (columns
    by name, so added columns are left out)."""
    with engine.connect() as conn:
        found = inspect(conn)
        names = [t for t in found.get_table_names() if t != "alembic_version"]
        names += [v for v in found.get_view_names() if v in TABLE_VIEWS]
        return {t: Counter(tuple(sorted((k, hashable(v)) for k, v in row.items()))
                           for row in conn.exec_driver_sql(f'select * from "{t}"').mappings()) for t in names}


def hashable(value):
    """JSON values (PostgreSQL hands them over parsed) as sorted JSON text."""
    return json.dumps(value, sort_keys=True) if isinstance(value, dict | list) else value


def only_columns_of(rows: Counter, before: Counter) -> Counter:
    """The rows with only the columns the table had before the upgrade (migrations may add columns)."""
    names = {name for row in before for name, _ in row}
    return Counter(tuple(item for item in row if item[0] in names) for row in rows.elements())


def differences(conn, source_tables=TABLES) -> list:
    context = MigrationContext.configure(conn, opts={"compare_type": True})
    return compare_metadata(context, metadata(source_tables))


def test_the_0_1_0_database_upgrades_with_nothing_lost(tmp_path):
    engine = connect(f"sqlite:///{release_db(tmp_path)}")
    before = snapshot(engine)
    assert sum(map(len, before.values())) > 1000 and len(before["finding"]) == 258
    assert create_schema(engine, TABLES) == f"database schema upgraded from version {BASELINE} to {head()}"
    after = snapshot(engine)
    assert before.keys() <= after.keys()
    for table, rows in before.items():
        assert only_columns_of(after[table], rows) == rows, table
    with engine.connect() as conn:
        assert not differences(conn)
        assert {v for v in inspect(conn).get_view_names()} == VIEWS
        assert conn.exec_driver_sql("select count(*) from latest_finding").scalar_one() == 258
        assert conn.exec_driver_sql("select count(*) from finding where key is null").scalar_one() == 0
        assert conn.exec_driver_sql("select count(*) from fact_region where scan_id = 1").scalar_one() == 253
        assert conn.exec_driver_sql("select count(*) from fact_provider where scan_id = 1").scalar_one() == 9
    assert create_schema(engine, TABLES) == f"database schema is at version {head()}"


def test_findings_of_the_0_1_0_database_can_be_rerun_after_the_upgrade(tmp_path):
    """Each check's stored SQL, re-run on the upgraded database, gives the rows its findings came from."""
    engine = connect(f"sqlite:///{release_db(tmp_path)}")
    create_schema(engine, TABLES)
    with engine.connect() as conn:
        scan = conn.exec_driver_sql("select id, started_at, organisation_profile from scan").one()
        sources = {s.check_id: s for s in conn.exec_driver_sql(
            "select check_id, sql, providers from check_source where scan_id = ?", (scan.id,))}
        judged = conn.exec_driver_sql(  # rule error_added's own findings (check_status error) came from no check row
            "select check_id, control_id, provider, account_id, resource_id, check_status from finding "
            "where scan_id = ? and check_id is not null and not (check_status = 'error' and message like 'Not observed:%')",
            (scan.id,)).all()
    params = Params(scan_id=scan.id, scan_date=date.fromisoformat(scan.started_at[:10]), profile=scan.organisation_profile)
    pairs = {(row.check_id, row.control_id) for row in judged}
    assert len(pairs) > 30
    for check_id, control_id in sorted(pairs):
        source = sources[check_id]
        check = Check(id=check_id, description="", providers=tuple(filter(None, source.providers.split(";"))), sql=source.sql)
        rerun = Counter((r["provider"], r["account_id"], r["resource_id"], r["status"])
                        for r in run_check(engine, check, params, control_id))
        found = Counter(tuple(row[2:]) for row in judged if (row.check_id, row.control_id) == (check_id, control_id))
        assert rerun == found, (check_id, control_id)


def test_an_upgrade_that_fails_changes_nothing(tmp_path):
    """Stamp, ALTERs, the key fill and the views are one transaction: a failure half-way leaves 0.1.0 as it was."""
    engine = connect(f"sqlite:///{release_db(tmp_path)}")
    with engine.begin() as conn:
        conn.exec_driver_sql("create trigger refuse before update on finding begin select raise(abort, 'refused'); end")
    before = snapshot(engine)
    with engine.connect() as conn:
        views = set(inspect(conn).get_view_names())
    with pytest.raises(Exception, match="refused"):
        create_schema(engine, TABLES)
    assert snapshot(engine) == before and len(views) >= 5
    with engine.connect() as conn:
        assert "alembic_version" not in inspect(conn).get_table_names()
        assert "key" not in {c["name"] for c in inspect(conn).get_columns("finding")}
        assert set(inspect(conn).get_view_names()) == views


def test_a_fresh_database_gets_the_schema_of_the_baseline_plus_every_migration(tmp_path):
    """create_all (fresh databases) and the migrations (upgraded ones) must give the same schema."""
    engine = create_engine(f"sqlite:///{tmp_path / 'migrated.db'}")
    with engine.begin() as conn:
        command.upgrade(migrations._config(conn), "head")
        assert not differences(conn)
    fresh = connect(f"sqlite:///{tmp_path / 'fresh.db'}")
    assert create_schema(fresh, TABLES) == f"database schema created at version {head()}"
    with fresh.connect() as conn:
        assert not differences(conn)
        assert set(inspect(conn).get_view_names()) == VIEWS


def test_a_change_without_its_migration_is_noticed(tmp_path):
    """The comparison above can fail: a model column the migrations do not create shows up."""
    engine = create_engine(f"sqlite:///{tmp_path / 'migrated.db'}")
    with engine.begin() as conn:
        command.upgrade(migrations._config(conn), BASELINE)
        assert {"add_column", "add_table"} <= {d[0] for d in differences(conn)}


def test_a_newer_database_is_refused_with_one_line(tmp_path):
    path = release_db(tmp_path)
    engine = connect(f"sqlite:///{path}")
    create_schema(engine, TABLES)
    with engine.begin() as conn:
        conn.execute(text("update alembic_version set version_num = '9999'"))
    with pytest.raises(SchemaError, match="newer than this Wolkenwacht"):
        create_schema(engine, TABLES)
    config = tmp_path / "config.toml"
    config.write_text(f'database = "sqlite:///{path}"\n[organisation]\nname = "{DEMO_ORGANISATION}"\n')
    for args in (["db", "upgrade"], ["findings"]):
        result = CliRunner().invoke(main, [*args, "--config", str(config)])
        shown = " ".join(result.output.split())  # the console may wrap the line at its width
        assert result.exit_code == 3, result.output
        assert shown == ("database error: the database has schema version 9999, newer than this Wolkenwacht knows "
                         f"(up to {head()}): use a newer Wolkenwacht")


def test_reading_an_old_database_asks_for_an_upgrade_and_db_upgrade_does_it(tmp_path):
    path = release_db(tmp_path)
    config = tmp_path / "config.toml"
    config.write_text(f'database = "sqlite:///{path}"\n[organisation]\nname = "{DEMO_ORGANISATION}"\n')
    result = CliRunner().invoke(main, ["findings", "--config", str(config)])
    assert result.exit_code == 3 and "run 'wolkenwacht db upgrade' first" in " ".join(result.output.split())
    result = CliRunner().invoke(main, ["db", "upgrade", "--config", str(config)])
    assert result.exit_code == 0 and f"upgraded from version {BASELINE} to {head()}" in " ".join(result.output.split())
    result = CliRunner().invoke(main, ["findings", "--json", "--config", str(config)])
    assert result.exit_code == 0 and len(result.output.splitlines()) == 258


def test_auditors_query_and_rerun_checks_on_an_old_database_as_it_is(tmp_path):
    path = release_db(tmp_path)
    config = tmp_path / "config.toml"
    config.write_text(f'database = "sqlite:///{path}"\n[organisation]\nname = "{DEMO_ORGANISATION}"\n')
    result = CliRunner().invoke(main, ["query", "--config", str(config), "--format", "csv", "select count(*) from finding"])
    assert result.exit_code == 0 and result.output.splitlines()[1] == "258"
    result = CliRunner().invoke(main, ["check", "--config", str(config), "register_risk"])
    assert result.exit_code == 0 and len(result.output.splitlines()) >= 3
    with connect(f"sqlite:///{path}").connect() as conn:
        assert "alembic_version" not in inspect(conn).get_table_names()


def test_tables_that_are_not_wolkenwacht_0_1_0_are_refused(tmp_path):
    path = release_db(tmp_path)
    engine = connect(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.exec_driver_sql("alter table scan drop column register_toml")
    with pytest.raises(SchemaError, match="table scan does not match Wolkenwacht 0.1.0"):
        create_schema(engine, TABLES)
    with engine.connect() as conn:
        assert "alembic_version" not in inspect(conn).get_table_names()


def test_postgresql_upgrades_a_0_1_0_database_and_matches_the_models(tmp_path, postgres):
    """The 0.1.0 fixture's rows, loaded into a 0.1.0 schema on PostgreSQL, upgrade like on SQLite."""
    sqlite = connect(f"sqlite:///{release_db(tmp_path)}")
    pg = connect(postgres.new_database())
    with pg.begin() as conn:
        command.upgrade(migrations._config(conn), BASELINE)
        conn.exec_driver_sql("drop table alembic_version")  # 0.1.0 had no version table
    copy_rows(sqlite, pg)
    before = snapshot(pg)
    assert create_schema(pg, TABLES) == f"database schema upgraded from version {BASELINE} to {head()}"
    after = snapshot(pg)
    for table, rows in before.items():
        assert only_columns_of(after[table], rows) == rows, table
    create_schema(sqlite, TABLES)
    keys = "select key from finding order by id"
    with pg.connect() as pconn, sqlite.connect() as sconn:
        assert not differences(pconn)
        assert set(inspect(pconn).get_view_names()) == VIEWS
        pg_keys = pconn.exec_driver_sql(keys).scalars().all()
        assert len(pg_keys) == 258 and None not in pg_keys and pg_keys == sconn.exec_driver_sql(keys).scalars().all()
    judged = []  # a scan after the upgrade stores its resource states and findings after the upgraded ones
    for engine in (pg, sqlite):
        later = add_scan(engine)
        store(engine, later, golden_estate().rows())
        judge(engine, later)
        with engine.connect() as conn:
            judged.append(Counter(conn.execute(text("select f.control_id, f.status, r.uid from finding f left join"
                                                    " resource_row rr on rr.id = f.resource_id left join resource_state r"
                                                    " on r.id = rr.state_id where f.scan_id = :s"), {"s": later}).all()))
    assert judged[0] == judged[1] and sum(judged[0].values()) > 50


def test_postgresql_fresh_schema_equals_the_migrations(postgres):
    migrated = create_engine(postgres.new_database())
    with migrated.begin() as conn:
        command.upgrade(migrations._config(conn), "head")
        assert not differences(conn)
    fresh = connect(postgres.new_database())
    assert create_schema(fresh, TABLES) == f"database schema created at version {head()}"
    with fresh.connect() as conn:
        assert not differences(conn)


def copy_rows(source, target) -> None:
    """Copy every row from a 0.1.0 database to another, parents first (the columns 0.1.0 has), then the id sequences."""
    with source.connect() as src, target.begin() as dst:
        in_source = set(inspect(src).get_table_names())
        schema = MetaData()
        schema.reflect(dst)  # the target's 0.1.0 tables
        for table in schema.sorted_tables:
            if table.name not in in_source:
                continue
            present = {c["name"] for c in inspect(src).get_columns(table.name)}
            rows = [dict(r) for r in src.execute(select(*(c for c in table.c if c.name in present))).mappings()]
            if not rows:
                continue
            dst.execute(table.insert(), rows)
            if "id" in table.c and table.c.id.autoincrement is not False and table.c.id.primary_key:
                dst.exec_driver_sql(f"select setval(pg_get_serial_sequence('{table.name}', 'id'), (select max(id) from {table.name}))")


def second_scan_at(tmp_path: Path, revision: str, status: str):
    """The 0.1.0 fixture upgraded to ``revision`` without its views, with an empty second scan (id 2)."""
    engine = connect(f"sqlite:///{release_db(tmp_path)}")
    with engine.begin() as conn:
        for view in inspect(conn).get_view_names():
            conn.exec_driver_sql(f"drop view {view}")
        command.stamp(migrations._config(conn), BASELINE)
        command.upgrade(migrations._config(conn), revision)
        conn.exec_driver_sql("insert into scan (started_at, status, tool_version, organisation_profile, config_sha256)"
                             f" select started_at, '{status}', tool_version, organisation_profile, config_sha256 from scan")
    return engine


def test_a_database_of_several_scans_upgrades_to_shared_raw_answers_with_the_same_answers(tmp_path):
    """Written by the previous code path (schema 0004): the fixture's scan, a second scan of the same resources
    with one changed answer and one missing, then the upgrade. Every row reads as before, the README's queries
    answer as before, and each distinct raw answer is stored once."""
    engine = second_scan_at(tmp_path, "0004", "failed")
    with engine.begin() as conn:
        columns = "provider, account_id, uid, type, name, region, created_at, tags, stores_data, encrypted, key_custody, key_id, source_api"
        conn.exec_driver_sql(f"insert into resource (scan_id, {columns}, raw) select 2, {columns},"
                             " case when id = 1 then json_set(raw, '$.etag', 'changed') when id = 2 then null else raw end"
                             " from resource where scan_id = 1")
        distinct = conn.exec_driver_sql("select count(distinct raw) from resource").scalar_one()
        resources = conn.exec_driver_sql("select count(*) from resource").scalar_one()
    for statement in migrations._view_statements():  # the views at 0004 read the tables resource and finding as they do the views
        if not statement.startswith("drop view") and " resource as" not in statement and " finding as" not in statement:
            with engine.begin() as conn:
                conn.execute(text(statement.replace(OUTER_JOINED_STATE, "left join resource r on r.id = fi.resource_id")))
    before = snapshot(engine)
    with engine.connect() as conn:
        answers = [conn.execute(text(q.strip().rstrip(";"))).all() for q in readme_queries()]
    assert create_schema(engine, TABLES) == f"database schema upgraded from version 0004 to {head()}"
    after = snapshot(engine)
    for table, rows in before.items():
        assert only_columns_of(after[table], rows) == rows, table
    with engine.connect() as conn:
        assert [conn.execute(text(q.strip().rstrip(";"))).all() for q in readme_queries()] == answers
        assert all(answers) and resources > 100 and len(after["resource"]) == resources
        assert conn.exec_driver_sql("select count(*) from raw_document").scalar_one() == distinct == resources // 2 + 1
        assert conn.exec_driver_sql("select count(*) from resource where raw is null").scalar_one() == 1


def test_several_scans_upgrade_to_states_and_bodies_stored_once_with_every_row_as_before(tmp_path):
    """Written at 0010: the fixture's scan and a second scan that found the same resources and judged the same,
    but for one finding whose status differs. After the upgrade every resource and finding reads as before under
    its id, and what both scans found and said alike is stored once."""
    engine = second_scan_at(tmp_path, "0010", "complete")
    with engine.begin() as conn:
        for table in ("resource_row", "finding"):
            columns = ", ".join(c["name"] for c in inspect(conn).get_columns(table) if c["name"] not in ("id", "scan_id"))
            conn.exec_driver_sql(f"insert into {table} (scan_id, {columns}) select 2, {columns} from {table} where scan_id = 1")
        conn.exec_driver_sql("update finding set status = 'error' where id = (select max(id) from finding)")
        conn.exec_driver_sql(RESOURCE_AT_0010)
        resources, findings = (conn.exec_driver_sql(f"select count(*) from {t}").scalar_one() for t in ("resource", "finding"))
    before = snapshot(engine)
    assert create_schema(engine, TABLES) == f"database schema upgraded from version 0010 to {head()}"
    after = snapshot(engine)
    for table, rows in before.items():
        if table != "resource_row":  # its columns moved to resource_state: compared through the view resource
            assert only_columns_of(after[table], rows) == rows, table
    with engine.connect() as conn:
        assert (resources, findings) == (2 * 51, 2 * 258) and len(after["resource"]) == resources
        assert conn.exec_driver_sql("select count(*) from resource_state").scalar_one() == resources // 2
        assert conn.exec_driver_sql("select count(*) from finding_body").scalar_one() == findings // 2 + 1
        assert not differences(conn)


OUTER_JOINED_STATE = "left join resource_row rr on rr.id = fi.resource_id\n  left join resource_state r on r.id = rr.state_id"
RESOURCE_AT_0010 = """
    create view resource as
      select r.id, r.scan_id, r.provider, r.account_id, r.uid, r.type, r.name, r.region, r.created_at, r.tags,
             r.stores_data, r.encrypted, r.key_custody, r.key_id, r.source_api,
             (select d.raw from raw_document d where d.sha256 = r.raw_sha256) as raw
      from resource_row r"""
