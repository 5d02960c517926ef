"""`wolkenwacht demo` as an installed package runs it: from any directory, all five sources, a quiet terminal.

The demo runs in a subprocess whose working directory is a fresh temporary folder and whose import
path holds only the packages a wheel ships (not ``tests/``), so nothing can come from the source tree.
Like `make demo` in a shell, it runs on a (pseudo-)terminal: that is where the live progress display
would carry anything an emulator prints.
"""

import os
import pty
import re
import select
import sqlite3
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
SOURCES = ("aws", "m365", "azure", "gcp", "onprem")
REQUEST_LINE = re.compile(r'"(GET|POST|PUT|DELETE|HEAD|PATCH) \S* HTTP/1\.[01]" \d{3}')


def shipped_packages(folder: Path) -> Path:
    """A folder holding (links to) the packages pyproject.toml ships, and nothing else of the source tree."""
    folder.mkdir()
    for name in PYPROJECT["tool"]["setuptools"]["packages"]["find"]["include"]:
        package = name.removesuffix("*")
        (folder / package).symlink_to(ROOT / package, target_is_directory=True)
    return folder


def where_to_run(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """(working directory, environment) in which only the shipped packages are importable."""
    packages = shipped_packages(tmp_path / "site")
    cwd = tmp_path / "run"
    cwd.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "AWS_"))} | {"PYTHONPATH": str(packages)}
    return cwd, env


def on_terminal(command: list[str], cwd: Path, env: dict[str, str], seconds: float = 900) -> tuple[int, str]:
    """Run ``command`` with a pseudo-terminal as stdin, stdout and stderr; (exit code, everything it showed)."""
    terminal, child = pty.openpty()
    process = subprocess.Popen(command, cwd=cwd, env=env | {"TERM": "xterm"}, stdin=child, stdout=child, stderr=child)
    os.close(child)
    shown = bytearray()
    try:
        while select.select([terminal], [], [], seconds)[0]:  # nothing shown for ``seconds``: give up
            try:
                chunk = os.read(terminal, 65536)
            except OSError:  # the process closed the terminal
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(terminal)
    try:
        return process.wait(timeout=60), shown.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        process.kill()
        raise


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[str, Path]:
    """(what the demo showed on its terminal, its output folder); the demo speaks English."""
    tmp_path = tmp_path_factory.mktemp("demo")
    cwd, env = where_to_run(tmp_path)
    code, shown = on_terminal([sys.executable, "-m", "scanner", "demo", "--output-dir", "out", "--lang", "en"], cwd, env)
    assert code == 0, shown
    return shown, cwd / "out"


def test_demo_from_any_directory_covers_every_source(demo):
    _, out = demo
    with sqlite3.connect(f"file:{out / 'wolkenwacht.db'}?mode=ro", uri=True) as db:
        accounts = {provider for (provider,) in db.execute("select distinct provider from account")}
        findings = {provider for (provider,) in db.execute("select distinct provider from finding")}
    assert accounts == set(SOURCES) and findings >= set(SOURCES)
    assert (out / "report.html").stat().st_size > 1000


def test_demo_terminal_shows_the_scan_not_the_emulators(demo):
    shown, out = demo
    assert "Traceback" not in shown
    assert not REQUEST_LINE.search(shown)
    assert "Unable to find appropriate backend" not in shown  # what moto prints for Detective
    for source in SOURCES:  # the progress a real scan shows, one line per source
        assert f"{source}:minbiwa-{source}" in shown
    log = (out / "emulators.log").read_text(encoding="utf-8")
    assert "Traceback" in log and REQUEST_LINE.search(log)  # what the emulators said went here


def test_demo_says_why_its_scan_is_partial(demo):
    shown, out = demo
    said = " ".join(shown.split())  # undo line wrapping
    with sqlite3.connect(f"file:{out / 'wolkenwacht.db'}?mode=ro", uri=True) as db:
        (status,) = db.execute("select status from scan").fetchone()
        failed = {call for (call,) in db.execute("select distinct call from collection where not ok")}
    assert status == "partial" and failed
    assert "Why the demo scan is partial: the AWS emulator (moto) does not answer these calls: " in said
    assert all(call in said for call in failed)
    assert "Also failed" not in said  # every failure is one the emulator explains


def test_demo_without_moto_says_what_to_install(tmp_path):
    cwd, env = where_to_run(tmp_path)
    without_moto = "import runpy, sys; sys.modules['moto'] = None; runpy.run_module('scanner', run_name='__main__')"
    env.pop("WOLKENWACHT_LANG")  # Dutch, the default
    done = subprocess.run([sys.executable, "-c", without_moto, "demo", "--output-dir", "out"], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 2
    assert done.stderr.splitlines() == ["fout: de demo heeft de AWS-emulator moto nodig: pip install 'wolkenwacht[demo]'"]
    assert not (cwd / "out").exists()


def test_moto_comes_only_with_the_demo_extra():
    """``pip install .`` does not pull moto; ``wolkenwacht[demo]`` (which make demo and make test install) does."""
    project = PYPROJECT["project"]
    named = lambda requirements: {re.split(r"[\[<>=!~ ;]", r, maxsplit=1)[0].lower() for r in requirements}  # noqa: E731
    assert "moto" not in named(project["dependencies"])
    assert {extra for extra, requirements in project["optional-dependencies"].items() if "moto" in named(requirements)} == {"demo"}
    assert "'.[demo,test]'" in (ROOT / "Makefile").read_text(encoding="utf-8")
