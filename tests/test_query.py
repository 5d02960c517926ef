"""`wolkenwacht query`: auditors' SQL reads and nothing else, bounded in time and rows, safe in a spreadsheet."""

import csv
import io
import json

import pytest
from click.testing import CliRunner

from inventory.db import checkpoint
from scanner.cli import main
from tests.support import new_inventory

COUNT_TO = "with recursive n(i) as (select 1 union all select i + 1 from n where i < {}) select i from n"


@pytest.fixture
def config(tmp_path):
    engine, _ = new_inventory(tmp_path)
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
    described = query(config, "pragma table_info(scan)", "--format", "json")
    assert described.exit_code == 0 and "status" in {json.loads(line)["name"] for line in described.stdout.splitlines()}


@pytest.mark.parametrize("sql", [
    "delete from ref_country",
    "vacuum into '{folder}/copy.db'",
    "attach database '{folder}/other.db' as other",
    "pragma user_version = 7",
    "pragma journal_mode = delete",
    "create table note (x)",
])
def test_anything_but_reading_is_refused_and_creates_no_file(config, sql):
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
