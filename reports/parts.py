"""Writing a large report in parts, one process per core: fetching, building and encoding a finding takes
about 15 µs, so 2.95 million findings keep one core busy for three quarters of a minute.

Each part is a contiguous slice of the findings in report order: of the scan's finding ids in finding order
(json, csv, ocsf), of the severity key (``SEVERITY_KEY``) in severity order (html). This process streams the
first part itself while worker processes (``start_method``) write the others to temporary files, each through
its own read-only engine (``connect_readonly``); the parts then follow one another in the output, which is byte
for byte what one process writes. Every process holds one batch of findings at a time, so memory stays flat.
A part is worth a process from ``SLICE_MIN`` findings on: a smaller report is written by this process alone.
"""

import os
import threading
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from itertools import islice
from multiprocessing import get_all_start_methods, get_context
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Protocol

from sqlalchemy import Engine, func, select

from inventory.db import connect_readonly
from inventory.tables import Finding
from reports.data import SEVERITY_KEY, Findings, finding_batches, findings_where, scan_id_range

SLICE_MIN = 50_000  # the fewest findings worth a process of their own
CHUNK = 500  # findings encoded into one chunk of bytes (about a megabyte of JSON)
BLOCK = 1 << 20  # bytes read from a part's file at a time

_f = Finding.__table__


class Encoder(Protocol):
    """A finding in a report's format, as bytes; ``lead`` goes before the first finding, ``separator`` between two."""

    lead: bytes
    separator: bytes

    def __call__(self, finding: dict) -> bytes: ...


class Encoded:
    """The findings encoded in report order (``lead`` first, ``separator`` between two findings), written into a
    sink (``write_into``) or read as chunks (iterate); ``count`` holds their number once written. The worker
    processes start at once, so they work while this process prepares the rest of the report. Use once."""

    def __init__(self, findings: Findings, encode: Encoder, by_severity: bool = False, first_here: bool = True):
        """``first_here=False``: workers write every part, for a caller with other work meanwhile (the HTML scorecard)."""
        engine, scan_id, packs, lang, statuses = findings.args
        self.engine, self.encode, self.count = engine, encode, 0
        self.query = (scan_id, packs, lang, statuses, by_severity)
        parts = slices(engine, self.query, findings.workers or cores())
        url = reader_url(engine) if len(parts) > 1 else None
        if not url:  # all of them here
            self.first, rest = (parts[0][0], parts[-1][1]), []
        else:
            self.first, rest = (parts[0], parts[1:]) if first_here else (None, parts)
        self.folder = TemporaryDirectory(prefix="wolkenwacht-report-") if rest else None
        self.pool = ProcessPoolExecutor(len(rest), mp_context=get_context(start_method())) if rest else None
        paths = [Path(self.folder.name) / f"{i}.part" for i in range(1, len(rest) + 1)] if rest else []
        self.parts = [(self.pool.submit(write_part, url, self.query, part, encode, path), path) for part, path in zip(rest, paths, strict=True)]

    def write_into(self, sink) -> int:
        """Write the findings into ``sink``: its ``add`` takes bytes (called twice per finding: a large buffered
        file's ``write`` suits), its ``add_file`` a worker's part file. Returns their number."""
        try:
            if self.first:
                self.count = _write(self.engine, self.query, self.first, self.encode, sink.add, self.encode.lead)
            for chunk in self._appended():
                if isinstance(chunk, Path):
                    sink.add_file(chunk)
                else:
                    sink.add(chunk)
        finally:
            self._close()
        return self.count

    def __iter__(self) -> Iterator[bytes | Path]:
        """Chunks of bytes (CHUNK findings each) and, for each worker's part, the path of its file (``blocks`` reads it)."""
        try:
            for chunk, n in _chunks(self.engine, self.query, self.first, self.encode) if self.first else ():
                yield (b"" if self.count else self.encode.lead) + chunk
                self.count += n
            yield from self._appended()
        finally:
            self._close()

    def _appended(self) -> Iterator[bytes | Path]:
        """Each worker's part file in order once it is written (its separator first), counted."""
        for future, path in self.parts:
            if n := future.result():
                yield self.encode.separator if self.count else self.encode.lead
                yield path
                self.count += n

    def _close(self) -> None:
        if self.pool:
            self.pool.shutdown(cancel_futures=True)
            self.folder.cleanup()


def start_method() -> str:
    """Fork while this process runs one thread (a worker starts in milliseconds, with nothing held by another
    thread to inherit), else spawn (a fresh interpreter: about a second of imports)."""
    return "fork" if threading.active_count() == 1 and "fork" in get_all_start_methods() else "spawn"


def cores() -> int:
    """The cores this process may run on: one worker process each."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _chunks(engine: Engine, query: tuple, part: tuple, encode: Encoder) -> Iterator[tuple[bytes, int]]:
    """The part's findings encoded, CHUNK at a time: the separator between two (and before every chunk but the
    first), and how many findings the chunk holds."""
    scan_id, packs, lang, statuses, by_severity = query
    lead = b""
    for batch in finding_batches(engine, scan_id, packs, lang, statuses, by_severity, part):
        while encoded := [encode(finding) for finding in islice(batch, CHUNK)]:
            yield lead + encode.separator.join(encoded), len(encoded)
            lead = encode.separator


def _write(engine: Engine, query: tuple, part: tuple, encode: Encoder, write, lead: bytes) -> int:
    """Write the part's findings one by one (``lead`` before the first, the separator between two): no bytes
    gathered, so no large buffers come and go. Returns their number."""
    scan_id, packs, lang, statuses, by_severity = query
    count, separator = 0, encode.separator
    for batch in finding_batches(engine, scan_id, packs, lang, statuses, by_severity, part):
        for finding in batch:
            write(separator if count else lead)
            write(encode(finding))
            count += 1
    return count


def write_part(url: str, query: tuple, part: tuple, encode: Encoder, path: Path) -> int:
    """A worker process: write one part's findings to ``path``; returns their number."""
    engine = connect_readonly(url)
    try:
        with open(path, "wb", buffering=BLOCK) as out:
            return _write(engine, query, part, encode, out.write, b"")
    finally:
        engine.dispose()


def blocks(path: Path) -> Iterator[bytes]:
    """A part's bytes in blocks that each end after a newline (where every format may be cut: never inside a
    UTF-8 character), so a text stream can take each block on its own."""
    rest = b""
    with open(path, "rb") as part:
        while block := part.read(BLOCK):
            block = rest + block
            cut = block.rfind(b"\n") + 1
            rest = block[cut:]
            if cut:
                yield block[:cut]
    if rest:
        yield rest


def reader_url(engine: Engine) -> str | None:
    """The URL under which a worker opens the database read-only; None for one only this process can open."""
    url = engine.url
    if url.get_backend_name() != "sqlite":
        return url.render_as_string(hide_password=False)
    path = (url.database or "").removeprefix("file:") if url.query.get("uri") else url.database
    return None if not path or path.startswith(":memory:") or url.query.get("mode") == "memory" else f"sqlite:///{path}"


def slices(engine: Engine, query: tuple, workers: int) -> list[tuple]:
    """The findings split into at most ``workers`` contiguous slices (start, stop) of about equal size, each of
    ``SLICE_MIN`` findings or more: by id in finding order, by severity key in severity order."""
    scan_id, packs, _, statuses, by_severity = query
    if workers < 2:
        return [(None, None)]
    with engine.connect() as conn:
        if by_severity:
            cuts = _key_cuts(conn, findings_where(conn, scan_id, packs, statuses), workers)
            return list(zip([None, *cuts], [*cuts, None], strict=True))
        low, high = scan_id_range(conn, scan_id)
    if low is None:
        return [(None, None)]
    cuts = _id_cuts(low, high + 1, workers)
    return list(zip([low, *cuts], [*cuts, high + 1], strict=True))


def _id_cuts(low: int, stop: int, workers: int) -> list[int]:
    """Ids that cut the scan's id range into equal slices (the scan's findings fill its range)."""
    parts = max(1, min(workers, (stop - low) // SLICE_MIN))
    return [low + (stop - low) * i // parts for i in range(1, parts)]


def _key_cuts(conn, where: list, workers: int) -> list[tuple]:
    """Severity keys that cut the findings into slices of about equal size, counted per key in the database's
    order (its collation orders pack and control as the report does). A key's findings stay in one slice."""
    raw = (_f.c.severity, _f.c.status, _f.c.pack, _f.c.control_id)
    groups = conn.execute(select(*SEVERITY_KEY, func.count()).where(*where).group_by(*raw).order_by(*SEVERITY_KEY)).all()
    total = sum(n for *_, n in groups)
    parts, cuts, seen = max(1, min(workers, total // SLICE_MIN)), [], 0
    for *key, n in groups:
        if seen and len(cuts) < parts - 1 and seen + n / 2 >= total * (len(cuts) + 1) / parts:  # the nearer side of the group
            cuts.append(tuple(key))
        seen += n
    return cuts
