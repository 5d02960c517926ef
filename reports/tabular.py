"""The JSON and CSV writers: findings are written as they stream from the database."""

import codecs
from typing import IO, Any

from inventory.errors import UserError
from reports.data import REPORT_SCHEMA_VERSION, dump_bytes, dumps

CSV_COLUMNS = (
    "scan_id", "pack", "control_id", "status", "severity", "title", "message", "deadline",
    "provider", "account_id", "region", "country", "resource_type", "resource_uid", "resource_name",
    "section", "evidence", "document", "check_id", "explained_by", "key",
)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SEPARATORS = (",", ";")
BOM = "\ufeff"  # so spreadsheet programs read the file as UTF-8


def write_json(data: dict, out: IO[str]) -> int:
    """Write the report as JSON, one finding per line as they stream; returns the number of findings."""
    sink = ByteSink(out)
    sink.add(f'{{"schema_version": {REPORT_SCHEMA_VERSION},\n"scan": '.encode() + dump_bytes(data["scan"])
             + b',\n"collection_errors": ' + dump_bytes(data["collection_errors"]) + b',\n"findings": [')
    count = 0
    for count, finding in enumerate(data["findings"], 1):
        sink.add(b",\n" if count > 1 else b"\n")
        sink.add(dump_bytes(finding))
    sink.add(b"\n]}\n")
    sink.flush()
    return count


class ByteSink:
    """UTF-8 bytes gathered and written a megabyte at a time: into a UTF-8 file's binary buffer directly (no
    decoding and encoding again), into any other text stream as text. Call ``flush`` at the end."""

    SIZE = 1 << 20

    def __init__(self, out: IO[str]):
        self.gathered = bytearray()
        buffer = getattr(out, "buffer", None)
        if buffer is not None and codecs.lookup(out.encoding).name == "utf-8":
            out.flush()
            self.write = buffer.write
        else:
            self.write = lambda data: out.write(data.decode())

    def add(self, data: bytes) -> None:
        self.gathered += data
        if len(self.gathered) >= self.SIZE:
            self.flush()

    def flush(self) -> None:
        self.write(self.gathered)
        self.gathered.clear()


def csv_cell(value: Any) -> Any:
    """Defuse spreadsheet formulas: text starting with = + - @ (or tab/CR) gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_row(scan_id: int, finding: dict) -> tuple:
    res, acct = finding["resource"] or {}, finding["account"] or {}
    cite, explained = finding["citation"] or {}, finding["explained_by"] or {}
    evidence = None if finding["evidence"] is None else dumps(finding["evidence"])
    return (
        scan_id, finding["pack"], finding["control_id"], finding["status"], finding["severity"],
        finding["title"], finding["message"], finding["deadline"], res.get("provider") or acct.get("provider"),
        res.get("account_id") or acct.get("account_id"), res.get("region"), res.get("country"), res.get("type"),
        res.get("uid"), res.get("name"), cite.get("section"), evidence, cite.get("document"),
        finding["check_id"], explained.get("justification"), finding["key"],
    )


def csv_line(values, separator: str) -> str:
    """One record as ``csv.writer`` writes it (minimal quoting, CRLF), formulas defused. Written here because
    ``csv.writer`` takes about 10 µs for a finding's row, most of the CSV report's time."""
    return separator.join([_csv_field(value, separator) for value in values]) + "\r\n"


def _csv_field(value: Any, separator: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        return str(value)
    value = csv_cell(value)
    if separator in value or '"' in value or "\r" in value or "\n" in value:
        return '"' + value.replace('"', '""') + '"'
    return value


def check_separator(separator: str) -> str:
    if separator not in SEPARATORS:
        raise UserError("reports.separator", separator=separator, separators=" ".join(SEPARATORS))
    return separator


def write_csv(data: dict, out: IO[str], separator: str = ",") -> int:
    """Write a byte-order mark, then one CSV row per finding as it streams; returns the number of findings.

    ``separator=";"`` for spreadsheet programs in a locale whose decimal mark is a comma (Dutch Excel)."""
    check_separator(separator)
    sink, scan_id, count = ByteSink(out), data["scan"]["id"], 0
    sink.add((BOM + csv_line(CSV_COLUMNS, separator)).encode())
    for finding in data["findings"]:
        sink.add(csv_line(csv_row(scan_id, finding), separator).encode())
        count += 1
    sink.flush()
    return count
