"""Auditor ergonomics on the demo database: the README's queries return rows, `check` lists and starts from a
finding, and the Datasette metadata describes every table and column as docs/schema.md does."""

import json
import re
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import text

from inventory.db import connect_readonly
from scanner.cli import main
from scanner.schema_doc import describe

README = Path(__file__).parents[2] / "README.md"


def cli(demo: Path, *args: str):
    return CliRunner().invoke(main, [args[0], "--config", str(demo / "config.toml"), *args[1:]])


def readme_queries() -> list[str]:
    return re.findall(r"```sql\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def test_readme_queries_return_rows_on_the_demo_database(demo):
    queries = readme_queries()
    assert len(queries) >= 2
    engine = connect_readonly(f"sqlite:///{demo / 'wolkenwacht.db'}")
    with engine.connect() as conn:
        results = [conn.execute(text(q.strip().rstrip(";"))).mappings().all() for q in queries]
    assert all(results), [len(r) for r in results]
    sections = {row["section"] for row in results[1]}
    assert {"4", "4.3", "4.5", "4.6"} <= sections  # every part of section 4 that fails in the demo
    assert all(row["remediation"] for row in results[1])


def test_check_lists_the_check_ids_and_names_them_on_a_typo(demo):
    listed = cli(demo, "check")
    assert listed.exit_code == 0, listed.output
    ids = dict(line.split("\t") for line in listed.output.splitlines())
    assert "location_eea" in ids and ids["location_eea"] == "RBC26-EEA" and not any(i.startswith("rule:") for i in ids)
    typo = cli(demo, "check", "location_eaa")
    assert typo.exit_code == 2 and "valid check ids: attestation" in " ".join(typo.output.split())


def test_check_starts_from_a_finding(demo):
    engine = connect_readonly(f"sqlite:///{demo / 'wolkenwacht.db'}")
    with engine.connect() as conn:
        fail = conn.execute(text("select id, resource_id, message_key from finding where check_id = 'location_eea'"
                                 " and status = 'fail' order by id limit 1")).one()
        transition = conn.execute(text("select id, check_status from finding where status = 'transition'"
                                       " and resource_id is not null order by id limit 1")).one()
    result = cli(demo, "check", "--finding", str(fail.id))
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    assert len(rows) == 1 and int(rows[0]["resource_id"]) == fail.resource_id and rows[0]["message_key"] == fail.message_key
    moved = cli(demo, "check", "--finding", str(transition.id))
    assert f"the check said {transition.check_status}; a rule made it transition" in " ".join(moved.output.split())
    assert cli(demo, "check", "--finding", "999999").exit_code == 2


def test_datasette_metadata_describes_every_table_and_column(demo):
    result = CliRunner().invoke(main, ["schema", "--datasette"])
    assert result.exit_code == 0
    tables = json.loads(result.output)["databases"]["wolkenwacht"]["tables"]
    engine = connect_readonly(f"sqlite:///{demo / 'wolkenwacht.db'}")
    with engine.connect() as conn:
        in_db = {name for (name,) in conn.execute(text("select name from sqlite_master where type = 'table'"))}
    assert in_db - {"sqlite_sequence"} <= set(tables)
    for table in describe():
        entry = tables[table["name"]]
        assert entry["description"] == table["description"] and entry["description"]
        assert entry["columns"] == {c["name"]: c["description"] for c in table["columns"]}
    assert tables["finding"]["columns"]["status"].startswith("pass, fail, transition")
    assert tables["resource"]["label_column"] == "name" and tables["pack_control"]["label_column"] == "title_en"
