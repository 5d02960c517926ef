"""The JSON and CSV writers: findings are written as they stream from the database."""

import csv
from typing import IO, Any

from inventory.errors import UserError
from reports.data import REPORT_SCHEMA_VERSION, dumps

CSV_COLUMNS = (
    "scan_id", "pack", "control_id", "status", "severity", "title", "message", "deadline",
    "provider", "account_id", "region", "country", "resource_type", "resource_uid", "resource_name",
    "section", "evidence", "document", "check_id", "explained_by", "key",
)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SEPARATORS = (",", ";")
BOM = "\ufeff"  # so spreadsheet programs read the file as UTF-8
WRITE_BATCH = 1000  # findings per write call


def write_json(data: dict, out: IO[str]) -> int:
    """Write the report as JSON, one finding per line as they stream, in batches; returns the number of findings."""
    out.write(f'{{"schema_version": {REPORT_SCHEMA_VERSION},\n"scan": ' + dumps(data["scan"]))
    out.write(',\n"collection_errors": ' + dumps(data["collection_errors"]))
    out.write(',\n"findings": [')
    count, lines = 0, []
    for count, finding in enumerate(data["findings"], 1):
        lines.append(("," if count > 1 else "") + "\n" + dumps(finding))
        if len(lines) == WRITE_BATCH:
            out.write("".join(lines))
            lines.clear()
    out.write("".join(lines) + "\n]}\n")
    return count


def csv_cell(value: Any) -> Any:
    """Defuse spreadsheet formulas: text starting with = + - @ (or tab/CR) gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_row(scan_id: int, finding: dict) -> list:
    res, acct = finding["resource"] or {}, finding["account"] or {}
    cite, explained = finding["citation"] or {}, finding["explained_by"] or {}
    evidence = None if finding["evidence"] is None else dumps(finding["evidence"])
    values = (
        scan_id, finding["pack"], finding["control_id"], finding["status"], finding["severity"],
        finding["title"], finding["message"], finding["deadline"], res.get("provider") or acct.get("provider"),
        res.get("account_id") or acct.get("account_id"), res.get("region"), res.get("country"), res.get("type"),
        res.get("uid"), res.get("name"), cite.get("section"), evidence, cite.get("document"),
        finding["check_id"], explained.get("justification"), finding["key"],
    )
    return [csv_cell(v) for v in values]


def check_separator(separator: str) -> str:
    if separator not in SEPARATORS:
        raise UserError("reports.separator", separator=separator, separators=" ".join(SEPARATORS))
    return separator


def write_csv(data: dict, out: IO[str], separator: str = ",") -> int:
    """Write a byte-order mark, then one CSV row per finding as it streams; returns the number of findings.

    ``separator=";"`` for spreadsheet programs in a locale whose decimal mark is a comma (Dutch Excel)."""
    out.write(BOM)
    writer = csv.writer(out, delimiter=check_separator(separator))
    writer.writerow(CSV_COLUMNS)
    count, rows, scan_id = 0, [], data["scan"]["id"]
    for finding in data["findings"]:
        rows.append(csv_row(scan_id, finding))
        if len(rows) == WRITE_BATCH:
            writer.writerows(rows)
            count += len(rows)
            rows.clear()
    writer.writerows(rows)
    return count + len(rows)
