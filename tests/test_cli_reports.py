"""Report files: never onto the inventory, written atomically, one line for every way a path can be wrong."""

import hashlib
import resource
import shutil
import signal
import subprocess
import sys
from functools import partial

import pytest
from click.testing import CliRunner

from scanner.cli import main
from scanner.demo.emulators.onprem import OnpremFake
from tests.cli_support import ROOT, onprem_config, scans


@pytest.fixture(scope="module")
def config(tmp_path_factory):
    """A config whose inventory holds one finished scan."""
    folder = tmp_path_factory.mktemp("reports")
    with OnpremFake("exchange", "15.2.1748.10") as exchange:
        path = onprem_config(folder, exchange.url)
        assert cli("scan", "--config", str(path)).exit_code == 0
    return path


def cli(*args: str):
    return CliRunner().invoke(main, list(args))


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def report(config, output, *options: str):
    return cli("report", "--config", str(config), "--format", "json", "--output", str(output), *options)


def one_line_error(result, code: int = 2) -> str:
    assert result.exit_code == code and "Traceback" not in result.output
    assert result.stderr.count("\n") == 1, result.stderr
    return result.stderr


@pytest.mark.parametrize("name", ["inventory.db", "inventory.db-wal", "inventory.db-shm"])
def test_a_report_never_overwrites_the_inventory(config, name):
    database = config.parent / "inventory.db"
    before = digest(database)
    message = one_line_error(report(config, config.parent / name))
    assert f"{config.parent / name}: is the inventory database (or one of its files)" in message
    assert digest(database) == before and scans(database) == {1: "complete"}


def test_a_report_never_overwrites_any_sqlite_file(config, tmp_path):
    other = tmp_path / "archive.sqlite"
    shutil.copyfile(config.parent / "inventory.db", other)
    before = digest(other)
    assert "archive.sqlite: is a SQLite database; a report never overwrites one" in one_line_error(report(config, other))
    assert digest(other) == before


def test_scan_refuses_a_report_onto_its_database_before_scanning(config):
    result = cli("scan", "--config", str(config), "--report", f"html={config.parent / 'inventory.db'}")
    assert "is the inventory database" in one_line_error(result)
    assert "unknown format" not in result.stderr
    bad_format = cli("scan", "--config", str(config), "--report", "pdf=out.pdf")
    assert "--report 'pdf=out.pdf': write FORMAT=PATH with FORMAT one of html, json, csv, ocsf, cio" in one_line_error(bad_format)
    assert scans(config.parent / "inventory.db") == {1: "complete"}


def test_bad_report_paths_give_one_line(config, tmp_path):
    assert f"{tmp_path}: is a directory; name a file" in one_line_error(report(config, tmp_path))
    missing = tmp_path / "nowhere" / "r.json"
    assert f"{missing}: the folder {tmp_path / 'nowhere'} does not exist" in one_line_error(report(config, missing))
    assert "/proc/r.json: cannot be written" in one_line_error(report(config, "/proc/r.json"))  # not writable, even for root
    assert not list(tmp_path.iterdir())


SHM = 32 * 1024  # SQLite's shared-memory file, which a reader of a WAL database needs


def limit_file_size(size: int) -> None:
    """In the child: files cannot grow past ``size`` bytes (a full disk as the report sees it)."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))


def test_a_failed_write_keeps_the_earlier_report_and_leaves_no_partial_file(config, tmp_path):
    target = tmp_path / "report.html"
    target.write_text("yesterday's report", encoding="utf-8")
    size = len(cli("report", "--config", str(config), "--format", "html", "--output", "-").stdout.encode())
    assert size > SHM + 1024
    result = subprocess.run([sys.executable, "-m", "scanner", "report", "--config", str(config), "--output", str(target)],
                            cwd=ROOT, capture_output=True, text=True, timeout=300,
                            preexec_fn=partial(limit_file_size, (SHM + size) // 2))  # the report does not fit
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith(f"error: {target}: cannot be written: ")
    assert target.read_text(encoding="utf-8") == "yesterday's report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]
