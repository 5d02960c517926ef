"""`wolkenwacht query`: auditors' SQL reads and nothing else, bounded in time and rows, safe in a spreadsheet."""

import csv
import io
import json

import pytest
from click.testing import CliRunner

from connectors.registry import TABLES
from findings.reference import load_reference
from inventory.db import checkpoint, connect, create_schema
from scanner.cli import main
from tests.support import new_inventory

COUNT_TO = "with recursive n(i) as (select 1 union all select i + 1 from n where i < {}) select i from n"


@pytest.fixture
def config(tmp_path):
    """A config for an inventory of the run's backend (SQLite, or PostgreSQL with --database postgresql)."""
    engine, _ = new_inventory(tmp_path)
    url = engine.url.render_as_string(hide_password=False)
    checkpoint(engine)
    path = tmp_path / "config.toml"
    path.write_text(f'database = "{url}"\n', encoding="utf-8")
    return path


@pytest.fixture
def sqlite_config(tmp_path):
    """A config for a SQLite inventory, whatever the run's backend."""
    engine = connect(f"sqlite:///{tmp_path / 'inventory.db'}")
    create_schema(engine, TABLES)
    load_reference(engine)
    checkpoint(engine)
    path = tmp_path / "config.toml"
    path.write_text('database = "sqlite:///inventory.db"\n', encoding="utf-8")
    return path


def query(config, sql: str, *options: str):
    return CliRunner().invoke(main, ["query", "--config", str(config), *options, sql])


def files(folder) -> set[str]:
    return {p.name for p in folder.iterdir()}


def test_reading_works(config):
    result = query(config, "select count(*) as n from ref_country where eea", "--format", "json")
    assert result.exit_code == 0 and json.loads(result.stdout)["n"] == 30


@pytest.mark.parametrize("sql", ["delete from ref_country", "create table note (x int)"])
def test_writing_is_refused(config, sql):
    rows = query(config, "select count(*) from ref_country").stdout
    result = query(config, sql)
    assert result.exit_code == 3 and "Traceback" not in result.output
    assert result.stderr == "query refused: only reading is allowed (select, with, pragmas that describe tables)\n"
    assert query(config, "select count(*) from ref_country").stdout == rows


def test_sqlite_pragmas_that_describe_tables_work(sqlite_config):
    described = query(sqlite_config, "pragma table_info(scan)", "--format", "json")
    assert described.exit_code == 0 and "status" in {json.loads(line)["name"] for line in described.stdout.splitlines()}


@pytest.mark.parametrize("sql", [
    "vacuum into '{folder}/copy.db'",
    "attach database '{folder}/other.db' as other",
    "pragma user_version = 7",
    "pragma journal_mode = delete",
])
def test_sqlite_statements_that_write_files_are_refused(sqlite_config, sql):
    config = sqlite_config
    rows = query(config, "select count(*) from ref_country").stdout
    before = files(config.parent)
    result = query(config, sql.format(folder=config.parent))
    assert result.exit_code == 3 and "Traceback" not in result.output
    assert result.stderr == "query refused: only reading is allowed (select, with, pragmas that describe tables)\n"
    assert files(config.parent) <= before and query(config, "select count(*) from ref_country").stdout == rows


def test_a_long_statement_stops_at_the_timeout(config):
    result = query(config, COUNT_TO.format(10**12) + " order by i desc limit 1", "--timeout", "0.5")
    assert result.exit_code == 3 and result.stderr == "query refused: the statement ran longer than 0.5 s (--timeout)\n"


def test_output_stops_at_the_limit(config):
    result = query(config, COUNT_TO.format(50), "--format", "csv", "--limit", "10")
    assert result.exit_code == 0 and result.stdout.split() == ["i", *map(str, range(1, 11))]
    assert result.stderr == "note: output stopped after 10 rows (--limit)\n"
    whole = query(config, COUNT_TO.format(50), "--format", "csv", "--limit", "50")
    assert len(whole.stdout.split()) == 51 and whole.stderr == ""


def test_csv_cells_cannot_run_as_formulas(config):
    result = query(config, "select '=cmd|'' /c calc''!A1' as \"=HYPERLINK()\", '-2+3' as b, 'plain' as c", "--format", "csv")
    assert list(csv.reader(io.StringIO(result.stdout))) == [["'=HYPERLINK()", "b", "c"],
                                                            ["'=cmd|' /c calc'!A1", "'-2+3", "plain"]]
