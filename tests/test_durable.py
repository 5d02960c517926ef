"""Scans that keep their history: self-contained files, one writer at a time, interrupted and killed
scans, a slow writer, cron-ready log lines. Real processes, real signals, real servers on loopback."""

import json
import re
import shutil
import signal
import socket
import sqlite3
import threading
import time
from datetime import UTC, datetime

from click.testing import CliRunner
from sqlalchemy import text

from connectors.onprem.calls import EXCHANGE
from inventory.tables import Scan
from reports.data import latest_scan_id
from scanner.cli import main
from scanner.demo.emulators.onprem import OnpremFake
from tests.cli_support import TIMESTAMPED, HangingServer, onprem_config, scans, start, wolkenwacht
from tests.support import add_scan, new_inventory

EXCHANGE_2019 = "15.2.1748.10"  # out of support: JENV25-EXO-VERSION fails


def refused_url() -> str:
    """A loopback URL where nothing listens: the call fails with connection refused."""
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/owa/"


def database_alone(folder, copy_to) -> sqlite3.Connection:
    """A copy of only the .db file (no -wal, no -shm), as handed to an auditor."""
    copy_to.mkdir()
    shutil.copyfile(folder / "inventory.db", copy_to / "inventory.db")
    return sqlite3.connect(copy_to / "inventory.db")


def test_the_database_file_alone_is_complete_after_a_scan(tmp_path):
    with OnpremFake("exchange", EXCHANGE_2019) as exchange:
        config = onprem_config(tmp_path, exchange.url)
        result = CliRunner().invoke(main, ["scan", "--config", str(config)])
    assert result.exit_code == 0, result.output
    with database_alone(tmp_path, tmp_path / "copy") as conn:
        assert conn.execute("select status from scan").fetchall() == [("complete",)]
        assert conn.execute("select status from finding where control_id = 'JENV25-EXO-VERSION'").fetchall() == [("fail",)]


def test_cron_log_has_one_timestamped_line_per_event_and_every_failed_call(tmp_path):
    estate = "onprem-" + "x" * 120  # longer than any terminal: must not wrap
    with OnpremFake("exchange", EXCHANGE_2019) as exchange:
        config = onprem_config(tmp_path, exchange.url, refused_url())
        config.write_text(config.read_text().replace('name = "onprem"', f'name = "{estate}"'))
        result = wolkenwacht("scan", "--config", str(config), "--report", f"json={tmp_path / 'report.json'}")
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert all(re.match(TIMESTAMPED, line) for line in lines), lines
    assert re.search(r"INFO wolkenwacht.scan: scan 1 started: onprem:" + estate, result.stderr)
    failed = [line for line in lines if "failed call:" in line]
    assert len(failed) == 1 and f"provider=onprem estate={estate} account=http://127.0.0.1:" in failed[0]
    assert f"call={EXCHANGE.call} permission={EXCHANGE.permission} error=" in failed[0] and "Connection refused" in failed[0]
    assert re.search(r"INFO wolkenwacht.scan: scan 1 partial: 2 accounts, .*1 failed calls; findings: .*1 fail", lines[-2])
    report = json.loads((tmp_path / "report.json").read_text())  # written by the same run
    assert report["scan"]["status"] == "partial" and len(report["collection_errors"]) == 1


def cli(*args: str):
    """The CLI in this process (stderr is not a terminal here either)."""
    return CliRunner().invoke(main, list(args))


def test_a_second_scan_is_refused_and_sigterm_interrupts_cleanly(tmp_path):
    with OnpremFake("exchange", EXCHANGE_2019) as exchange:
        assert cli("scan", "--config", str(onprem_config(tmp_path, exchange.url))).exit_code == 0
    with HangingServer() as hanging:
        config = onprem_config(tmp_path, hanging.url, name="hanging.toml")
        first = start("scan", "--config", str(config))
        hanging.wait(first)
        second = cli("scan", "--config", str(config))
        assert second.exit_code == 3
        assert second.stderr.count("\n") == 1 and "Traceback" not in second.stderr
        assert f"another scan is writing to {tmp_path / 'inventory.db'} (pid {first.pid} on " in second.stderr
        first.send_signal(signal.SIGTERM)
        _, stderr = first.communicate(timeout=60)
    assert first.returncode == 130 and "Traceback" not in stderr, stderr
    assert "scan 2 interrupted" in stderr
    assert scans(tmp_path / "inventory.db") == {1: "complete", 2: "interrupted"}  # the refused scan wrote nothing
    with database_alone(tmp_path, tmp_path / "copy") as conn:  # checkpointed on the way out
        assert dict(conn.execute("select id, status from scan")) == {1: "complete", 2: "interrupted"}
    report = cli("report", "--config", str(config), "--format", "json", "--output", "-")
    assert report.exit_code == 0 and "note: scan 2 is interrupted; showing scan 1" in report.stderr
    assert json.loads(report.stdout)["scan"]["id"] == 1
    findings = json.loads(report.stdout)["findings"]
    assert {f["status"] for f in findings if f["control_id"] == "JENV25-EXO-VERSION"} == {"fail"}


def test_a_killed_scan_stays_recognisable_and_the_next_scan_works(tmp_path):
    with OnpremFake("exchange", EXCHANGE_2019) as exchange:
        good = onprem_config(tmp_path, exchange.url)
        assert cli("scan", "--config", str(good)).exit_code == 0
        with sqlite3.connect(tmp_path / "inventory.db") as conn:
            first_findings = conn.execute("select count(*) from finding where scan_id = 1").fetchone()[0]
        with HangingServer() as hanging:
            killed = start("scan", "--config", str(onprem_config(tmp_path, hanging.url, name="hanging.toml")))
            hanging.wait(killed)
            killed.send_signal(signal.SIGKILL)
            killed.wait(timeout=60)
        assert scans(tmp_path / "inventory.db") == {1: "complete", 2: "running"}
        report = cli("report", "--config", str(good), "--scan", "2", "--format", "json", "--output", "-")
        assert report.exit_code == 2 and report.stdout == ""
        assert report.stderr.strip() == ("error: scan 2 is interrupted (its process is gone): its findings were not all "
                                         "judged; choose a complete or partial scan")
        listed = cli("findings", "--config", str(good), "--json")
        assert listed.exit_code == 0 and "note: scan 2 is interrupted (its process is gone); showing scan 1" in listed.stderr
        assert len(listed.stdout.splitlines()) == first_findings
        again = cli("scan", "--config", str(good))
    assert again.exit_code == 0 and "scan 2 did not finish (its process is gone): marked interrupted" in again.stderr
    assert scans(tmp_path / "inventory.db") == {1: "complete", 2: "interrupted", 3: "complete"}
    with sqlite3.connect(tmp_path / "inventory.db") as conn:
        assert conn.execute("select count(*) from finding where scan_id = 1").fetchone()[0] == first_findings
    report = cli("report", "--config", str(good), "--format", "json", "--output", "-")
    assert report.exit_code == 0 and json.loads(report.stdout)["scan"]["id"] == 3


def hold_write_lock(folder, release: threading.Event, seconds: float = 60) -> None:
    """Another connection (an auditor's tool, say) takes the write lock, and holds it once a scan has
    started (it holds the scan lock) until ``release`` is set, or ``seconds`` passed."""
    conn = sqlite3.connect(folder / "inventory.db", isolation_level=None)
    conn.execute("begin immediate")
    conn.execute("create table if not exists auditor_note (x)")
    lock = folder / "inventory.db.lock"
    deadline = time.monotonic() + 60
    while not (lock.exists() and lock.read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    release.wait(seconds)
    conn.execute("commit")
    conn.close()


def scan_while_locked(config, hold: float | None = None):
    """Run a scan while another connection holds the write lock: for ``hold`` seconds, or until the scan ends."""
    release = threading.Event()
    holder = threading.Thread(target=hold_write_lock, args=(config.parent, release, hold or 60))
    holder.start()
    result = cli("scan", "--config", str(config))
    release.set()
    holder.join()
    return result


def test_a_slow_writer_is_waited_for_within_the_configured_bound(tmp_path):
    with OnpremFake("exchange", EXCHANGE_2019) as exchange:
        config = onprem_config(tmp_path, exchange.url)
        assert cli("scan", "--config", str(config)).exit_code == 0
        waited = scan_while_locked(config, hold=7)  # longer than SQLite's usual 5 s; the default waits 60 s
        assert waited.exit_code == 0, waited.output
        assert "writes wait up to 60 s for a lock: scan.busy_timeout_seconds" in waited.stderr
        impatient = onprem_config(tmp_path, exchange.url, extra="[scan]\nbusy_timeout_seconds = 1", name="impatient.toml")
        refused = scan_while_locked(impatient)
    assert refused.exit_code == 3 and "Traceback" not in refused.stderr
    assert refused.stderr.splitlines()[-1] == ("database busy: the database stayed locked by another connection for "
                                               "more than 1 s (scan.busy_timeout_seconds)")
    assert scans(tmp_path / "inventory.db") == {1: "complete", 2: "complete"}


def test_the_default_scan_is_the_latest_complete_or_partial_one(tmp_path):
    engine, first = new_inventory(tmp_path)
    statuses = {first: "partial"}
    for status in ("complete", "partial", "interrupted", "failed", "running"):
        statuses[add_scan(engine)] = status
    with engine.begin() as conn:
        for scan_id, status in statuses.items():
            conn.execute(Scan.__table__.update().where(Scan.__table__.c.id == scan_id)
                         .values(status=status, finished_at=datetime.now(UTC)))
    latest = max(scan_id for scan_id, status in statuses.items() if status == "partial")
    assert latest_scan_id(engine) == latest
    with engine.connect() as conn:
        assert conn.execute(text("select id from latest_scan")).scalar_one() == latest
