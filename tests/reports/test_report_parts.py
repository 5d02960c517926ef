"""A report written in parts by several processes (reports.parts) is byte for byte the report one process writes,
in every format, on SQLite and on PostgreSQL."""

import io
import re
import threading

import pytest

from reports import data, parts
from reports.write import write_report
from tests.checks.golden import golden_estate, stored
from tests.support import judge

GENERATED = re.compile(rb'"generated[^"]*"|\(\d{4}-\d\d-\d\dT[\d:]+\+00:00\)')  # the HTML report's time of writing


def written(engine, scan_id: int, fmt: str, path, workers: int, **kwargs) -> bytes:
    write_report(engine, scan_id, fmt, path, workers=workers, **kwargs)
    return GENERATED.sub(b"", path.read_bytes()) if fmt == "html" else path.read_bytes()


@pytest.fixture
def small_parts(monkeypatch):
    """Parts of one finding and up, and batches of two findings in this process, so a small scan is split."""
    monkeypatch.setattr(parts, "SLICE_MIN", 1)
    monkeypatch.setattr(data, "STREAM_BATCH", 2)


@pytest.mark.parametrize("fmt, kwargs", [("json", {}), ("csv", {"csv_separator": ";"}), ("ocsf", {}), ("html", {}),
                                         ("json", {"lang": "en", "statuses": ["fail", "explained", "transition"]}),
                                         ("html", {"packs": ["rijksbreed-2026"]})])
def test_parts_make_the_report_one_process_writes(inventory, small_parts, tmp_path, fmt, kwargs):
    engine, scan_id = inventory.engine, inventory.scan.id
    query = (scan_id, kwargs.get("packs"), "nl", kwargs.get("statuses") or (None if fmt != "html" else ["fail", "error",
             "transition", "manual", "explained", "not_applicable"]), fmt == "html")
    assert len(parts.slices(engine, query, 3)) == 3
    one = written(engine, scan_id, fmt, tmp_path / f"one.{fmt}", 1, **kwargs)
    assert one.count(b"Bucket staat in de VS" if fmt != "html" else b"RBC26-EEA") >= 1
    assert written(engine, scan_id, fmt, tmp_path / f"three.{fmt}", 3, **kwargs) == one


@pytest.mark.parametrize("fmt", ["json", "html"])
def test_parts_of_a_judged_scan_make_the_report_one_process_writes(small_parts, tmp_path, fmt):
    engine, scan_id = stored(tmp_path, golden_estate())
    judge(engine, scan_id)
    one = written(engine, scan_id, fmt, tmp_path / f"one.{fmt}", 1)
    assert written(engine, scan_id, fmt, tmp_path / f"four.{fmt}", 4) == one


def test_slices_cut_the_findings_into_contiguous_ranges_of_the_report_order(inventory, small_parts):
    engine, scan_id = inventory.engine, inventory.scan.id
    by_id = parts.slices(engine, (scan_id, None, "nl", None, False), 3)
    ids = sorted(f.id for f in inventory.findings.values() if f.scan_id == scan_id)
    assert by_id[0][0] == ids[0] and by_id[-1][1] == ids[-1] + 1 and by_id[0][1] > ids[0] and by_id[-1][0] <= ids[-1]
    assert [stop for _, stop in by_id[:-1]] == [start for start, _ in by_id[1:]]
    by_key = parts.slices(engine, (scan_id, None, "nl", ["fail", "error", "transition", "explained"], True), 3)
    assert by_key[0][0] is None and by_key[-1][1] is None and len(by_key) == 3
    assert [stop for _, stop in by_key[:-1]] == [start for start, _ in by_key[1:]]
    assert parts.slices(engine, (scan_id, None, "nl", None, False), 1) == [(None, None)]


def test_a_small_scan_is_one_part(inventory):
    assert len(parts.slices(inventory.engine, (inventory.scan.id, None, "nl", None, False), 8)) == 1
    assert parts.slices(inventory.engine, (inventory.scan.id, None, "nl", None, True), 8) == [(None, None)]


@pytest.mark.parametrize("fmt", ["json", "ocsf"])
def test_parts_written_to_a_text_stream_make_the_same_report(inventory, small_parts, tmp_path, fmt):
    engine, scan_id = inventory.engine, inventory.scan.id
    stream = io.StringIO()
    write_report(engine, scan_id, fmt, stream, workers=3)
    assert stream.getvalue().encode() == written(engine, scan_id, fmt, tmp_path / f"one.{fmt}", 1)


def test_workers_are_spawned_while_another_thread_runs(inventory, small_parts, tmp_path):
    engine, scan_id = inventory.engine, inventory.scan.id
    one = written(engine, scan_id, "csv", tmp_path / "one.csv", 1)
    before = parts.start_method()  # "fork" unless an earlier test left a thread running
    release = threading.Event()
    waiting = threading.Thread(target=release.wait)
    waiting.start()
    try:
        assert parts.start_method() == "spawn"
        assert written(engine, scan_id, "csv", tmp_path / "three.csv", 3) == one
    finally:
        release.set()
        waiting.join()
    assert parts.start_method() == before
