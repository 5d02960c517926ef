"""A scan killed with SIGKILL on PostgreSQL is recognised: while it runs its advisory lock says
"still running", once its process is gone the next command calls it interrupted and the next scan
marks it so. Real processes, a real signal, the test PostgreSQL server."""

import signal
import time

from sqlalchemy import text

from inventory.db import connect
from scanner.demo.emulators.onprem import OnpremFake
from scanner.lock import SCAN_LOCK_CLASS
from tests.cli_support import HangingServer, onprem_config, start, wolkenwacht

EXCHANGE_2019 = "15.2.1748.10"


def config(folder, url: str, database: str, name: str = "config.toml"):
    path = onprem_config(folder, url, name=name)
    path.write_text(path.read_text().replace('database = "sqlite:///inventory.db"', f'database = "{database}"'))
    return path


def scans(database: str) -> dict[int, str]:
    engine = connect(database)
    try:
        with engine.connect() as conn:
            return dict(conn.execute(text("select id, status from scan order by id")).all())
    finally:
        engine.dispose()


def wait_until_released(database: str, scan_id: int, seconds: float = 30) -> None:
    """The server drops a dead client's session (and its locks) once it reads the closed socket."""
    engine = connect(database)
    held = text("select count(*) from pg_locks where locktype = 'advisory' and objsubid = 2 "
                "and classid = cast(:key as oid) and objid = cast(:scan_id as oid)")
    deadline = time.monotonic() + seconds
    try:
        while True:
            with engine.connect() as conn:
                if not conn.execute(held, {"key": SCAN_LOCK_CLASS, "scan_id": scan_id}).scalar():
                    return
            assert time.monotonic() < deadline, "the killed scan's session still holds its lock"
            time.sleep(0.2)
    finally:
        engine.dispose()


def test_a_killed_scan_on_postgresql_is_recognised_and_marked_interrupted(tmp_path, postgres):
    database = postgres.new_database()
    with OnpremFake("exchange", EXCHANGE_2019) as exchange:
        good = config(tmp_path, exchange.url, database)
        assert wolkenwacht("scan", "--config", str(good)).returncode == 0
        with HangingServer() as hanging:
            killed = start("scan", "--config", str(config(tmp_path, hanging.url, database, name="hanging.toml")))
            hanging.wait(killed)
            running = wolkenwacht("findings", "--config", str(good), "--json")
            assert running.returncode == 0 and "note: scan 2 is still running; showing scan 1" in running.stderr
            again = wolkenwacht("scan", "--config", str(good))  # a scan that starts meanwhile leaves it running
            assert again.returncode == 0 and "marked interrupted" not in again.stderr, again.stderr
            assert scans(database) == {1: "complete", 2: "running", 3: "complete"}
            killed.send_signal(signal.SIGKILL)
            killed.wait(timeout=60)
        wait_until_released(database, 2)
        report = wolkenwacht("report", "--config", str(good), "--scan", "2", "--format", "json", "--output", "-")
        assert report.returncode == 2 and report.stdout == ""
        assert report.stderr.strip() == ("error: scan 2 is interrupted (its process is gone): its findings were not all "
                                         "judged; choose a complete or partial scan")
        last = wolkenwacht("scan", "--config", str(good))
    assert last.returncode == 0 and "scan 2 did not finish (its process is gone): marked interrupted" in last.stderr
    assert scans(database) == {1: "complete", 2: "interrupted", 3: "complete", 4: "complete"}
