"""The CSV report: one flat row per finding, columns as documented, formulas defused."""

import csv
import io
import json

import pytest

from inventory.errors import UserError
from reports.tabular import BOM, CSV_COLUMNS, FORMULA_START, SEPARATORS, csv_cell, csv_line
from reports.write import write_report


def csv_rows(inv, separator: str = ",", **kwargs) -> tuple[list[str], list[dict]]:
    out = io.StringIO(newline="")
    write_report(inv.engine, inv.scan.id, "csv", out, csv_separator=separator, **kwargs)
    assert out.getvalue().startswith(BOM) and not out.getvalue().startswith(BOM * 2)
    reader = csv.DictReader(io.StringIO(out.getvalue().removeprefix(BOM), newline=""), delimiter=separator)
    return reader.fieldnames, list(reader)


def by_finding(inv, rows) -> dict[str, dict]:
    """Rows keyed by the inventory's finding key, matched on message (unique in the fixture)."""
    keys = {f.message: k for k, f in inv.findings.items()}
    return {keys[row["message"].removeprefix("'")]: row for row in rows}


def test_columns_in_documented_order(inventory):
    header, _ = csv_rows(inventory)
    assert header == list(CSV_COLUMNS)
    assert header[:17] == ["scan_id", "pack", "control_id", "status", "severity", "title", "message", "deadline",
                           "provider", "account_id", "region", "country", "resource_type", "resource_uid",
                           "resource_name", "section", "evidence"]


def test_one_row_per_finding_of_the_scan(inventory):
    _, rows = csv_rows(inventory)
    assert len(rows) == sum(1 for f in inventory.findings.values() if f.scan_id == inventory.scan.id)
    assert {row["scan_id"] for row in rows} == {str(inventory.scan.id)}


def test_row_values_come_from_the_inventory(inventory):
    _, rows = csv_rows(inventory)
    for key, row in by_finding(inventory, rows).items():
        f = inventory.findings[key]
        control = inventory.controls[(f.pack, f.control_id)]
        assert (row["pack"], row["control_id"], row["status"], row["severity"]) == (f.pack, f.control_id, f.status, f.severity)
        assert row["title"] == control.title_nl
        assert row["section"] == control.section and row["document"] == control.document
        assert row["deadline"] == (f.deadline.isoformat() if f.deadline else "")
        assert (row["provider"], row["account_id"]) == (f.provider, f.account_id)
        assert json.loads(row["evidence"]) == f.evidence
        resource = next((r for r in inventory.resources.values() if r.id == f.resource_id), None)
        if resource is None:
            assert row["resource_uid"] == row["resource_type"] == row["region"] == row["country"] == ""
        else:
            assert row["resource_uid"] == resource.uid and row["resource_type"] == resource.type
            assert row["region"] == resource.region


def test_country_column(inventory):
    _, rows = csv_rows(inventory)
    rows = by_finding(inventory, rows)
    assert rows["us_fail"]["country"] == inventory.facts["us"].countries
    assert rows["multi_explained"]["country"] == inventory.facts["multi"].countries
    assert rows["global_transition"]["country"] == ""
    assert rows["multi_explained"]["explained_by"] == inventory.explain.justification


def test_english_titles(inventory):
    _, rows = csv_rows(inventory, lang="en")
    for key, row in by_finding(inventory, rows).items():
        f = inventory.findings[key]
        assert row["title"] == inventory.controls[(f.pack, f.control_id)].title_en


def test_formula_injection_is_defused(inventory):
    _, rows = csv_rows(inventory)
    rows = by_finding(inventory, rows)
    name = inventory.resources["us"].name
    assert name.startswith("=")
    assert rows["us_fail"]["resource_name"] == "'" + name
    assert rows["nl_error"]["message"] == "'" + inventory.findings["nl_error"].message
    assert rows["account_fail"]["message"] == "'" + inventory.findings["account_fail"].message
    assert rows["us_fail"]["message"] == inventory.findings["us_fail"].message  # harmless text untouched


@pytest.mark.parametrize("start", FORMULA_START)
def test_csv_cell_guards_every_formula_start(start):
    assert csv_cell(start + "cmd|' /C calc'!A0") == "'" + start + "cmd|' /C calc'!A0"


@pytest.mark.parametrize("value", ["plain", "2030-07-03", "", 42, None])
def test_csv_cell_leaves_safe_values(value):
    assert csv_cell(value) == value


@pytest.mark.parametrize("separator", SEPARATORS)
def test_csv_line_writes_what_csv_writer_writes(separator):
    values = (7, None, "", "plain", "a,b", "a;b", 'say "hi"', '"', "line\nbreak", "cr\rlf\r\n", "=1+1", "-5", "@x",
              " leading space", "tab\tinside", "é ü ✓", '{"a":[1,2],"b":"x;y"}', 3.25, True, "'quoted'")
    expected = io.StringIO(newline="")
    csv.writer(expected, delimiter=separator).writerow([csv_cell(v) for v in values])
    assert csv_line(values, separator) == expected.getvalue()


def test_semicolon_separator_for_dutch_spreadsheets(inventory):
    comma_header, comma = csv_rows(inventory)
    header, rows = csv_rows(inventory, separator=";")
    assert header == comma_header == list(CSV_COLUMNS) and rows == comma  # same cells, split on ';'
    out = io.StringIO(newline="")
    write_report(inventory.engine, inventory.scan.id, "csv", out, csv_separator=";")
    first = out.getvalue().removeprefix(BOM).splitlines()[0]
    assert first == ";".join(CSV_COLUMNS)
    with pytest.raises(UserError, match="CSV separator"):
        write_report(inventory.engine, inventory.scan.id, "csv", io.StringIO(), csv_separator="|")


def test_byte_order_mark_in_a_written_file(inventory, tmp_path):
    path = tmp_path / "report.csv"
    write_report(inventory.engine, inventory.scan.id, "csv", path, csv_separator=";")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf" + b"scan_id;pack;")
