"""The JSON and CSV writers: findings are written as they stream from the database."""

import codecs
import os
import stat
from pathlib import Path
from typing import IO, Any

from inventory.errors import UserError
from reports.data import REPORT_SCHEMA_VERSION, dump_bytes, dumps
from reports.parts import Encoded, blocks

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
    count = Encoded(data["findings"], JsonRow()).write_into(sink)
    sink.add(b"\n]}\n")
    sink.flush()
    return count


class JsonRow:
    """A finding in the JSON report: one line each, in the findings array."""

    lead, separator = b"\n", b",\n"

    def __call__(self, finding: dict) -> bytes:
        return dump_bytes(finding)


def _is_file(buffer) -> bool:
    """Whether a binary stream writes to a regular file (which ``os.sendfile`` can write into)."""
    try:
        return stat.S_ISREG(os.fstat(buffer.fileno()).st_mode)
    except (OSError, ValueError):  # io.UnsupportedOperation is both
        return False


class ByteSink:
    """UTF-8 bytes into a text stream: into a regular file through a buffer of a megabyte on its descriptor (no
    decoding and encoding again, no bytes gathered), into any other text stream as text, gathered and written a
    megabyte at a time. Call ``flush`` at the end."""

    SIZE = 1 << 20

    def __init__(self, out: IO[str]):
        self.gathered, self.file = bytearray(), None
        buffer = getattr(out, "buffer", None)
        if buffer is not None and codecs.lookup(out.encoding).name == "utf-8":
            out.flush()
            if _is_file(buffer):
                self.file = open(buffer.fileno(), "wb", buffering=self.SIZE, closefd=False)  # flush() empties it; out closes the file
                self.add = self.file.write
            self.write = buffer.write
        else:
            self.write = lambda data: out.write(data.decode())

    def add(self, data: bytes) -> None:
        self.gathered += data
        if len(self.gathered) >= self.SIZE:
            self.flush()

    def add_file(self, path: Path) -> None:
        """A file's bytes: copied by the kernel into a file (no copies through this process), else in blocks."""
        self.flush()
        if self.file is None:
            for block in blocks(path):
                self.write(block)
            return
        with open(path, "rb") as part:
            size, offset = os.fstat(part.fileno()).st_size, 0
            while offset < size:
                offset += os.sendfile(self.file.fileno(), part.fileno(), offset, size - offset)

    def flush(self) -> None:
        if self.file is not None:
            self.file.flush()
            return
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
    sink = ByteSink(out)
    sink.add((BOM + csv_line(CSV_COLUMNS, separator)).encode())
    count = Encoded(data["findings"], CsvRow(data["scan"]["id"], separator)).write_into(sink)
    sink.flush()
    return count


class CsvRow:
    """A finding as a CSV record (its line ending included)."""

    lead = separator = b""

    def __init__(self, scan_id: int, separator: str):
        self.scan_id, self.field_separator = scan_id, separator

    def __call__(self, finding: dict) -> bytes:
        return csv_line(csv_row(self.scan_id, finding), self.field_separator).encode()
