"""`wolkenwacht demo` as an installed package runs it: from any directory, all five sources, a quiet terminal.

The demo runs in a subprocess whose working directory is a fresh temporary folder and whose import
path holds only the packages a wheel ships (not ``tests/``), so nothing can come from the source tree.
"""

import os
import re
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


def wolkenwacht(tmp_path: Path, *args: str, prelude: str = "") -> subprocess.CompletedProcess:
    """Run ``python -m scanner ARGS`` (after ``prelude``) in ``tmp_path/run`` with only the shipped packages importable."""
    packages = shipped_packages(tmp_path / "site")
    cwd = tmp_path / "run"
    cwd.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "AWS_"))} | {"PYTHONPATH": str(packages)}
    python = [sys.executable, "-c", f"{prelude}\nimport runpy\nrunpy.run_module('scanner', run_name='__main__')"] if prelude \
        else [sys.executable, "-m", "scanner"]
    return subprocess.run([*python, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    """(the finished demo process, its output folder); the demo speaks English."""
    tmp_path = tmp_path_factory.mktemp("demo")
    done = wolkenwacht(tmp_path, "demo", "--output-dir", "out", "--lang", "en")
    assert done.returncode == 0, done.stderr
    return done, tmp_path / "run" / "out"


def test_demo_from_any_directory_covers_every_source(demo):
    _, out = demo
    with sqlite3.connect(f"file:{out / 'wolkenwacht.db'}?mode=ro", uri=True) as db:
        accounts = {provider for (provider,) in db.execute("select distinct provider from account")}
        findings = {provider for (provider,) in db.execute("select distinct provider from finding")}
    assert accounts == set(SOURCES) and findings >= set(SOURCES)
    assert (out / "report.html").stat().st_size > 1000


def test_demo_terminal_shows_the_scan_not_the_emulators(demo):
    done, out = demo
    terminal = done.stdout + done.stderr
    assert "Traceback" not in terminal
    assert not REQUEST_LINE.search(terminal)
    assert "Unable to find appropriate backend" not in terminal
    for source in SOURCES:  # the progress a real scan shows, one line per source
        assert f"{source}:minbiwa-{source}" in done.stderr
    log = (out / "emulators.log").read_text(encoding="utf-8")
    assert "Traceback" in log and REQUEST_LINE.search(log)  # what the emulators said went here


def test_demo_says_why_its_scan_is_partial(demo):
    done, out = demo
    said = " ".join(done.stderr.split())  # undo line wrapping
    with sqlite3.connect(f"file:{out / 'wolkenwacht.db'}?mode=ro", uri=True) as db:
        (status,) = db.execute("select status from scan").fetchone()
        failed = {call for (call,) in db.execute("select distinct call from collection where not ok")}
    assert status == "partial" and failed
    assert "Why the demo scan is partial: the AWS emulator (moto) does not answer these calls: " in said
    assert all(call in said for call in failed)
    assert "Also failed" not in said  # every failure is one the emulator explains


def test_demo_without_moto_says_what_to_install(tmp_path):
    done = wolkenwacht(tmp_path, "demo", "--output-dir", "out", prelude="import sys; sys.modules['moto'] = None")
    assert done.returncode == 2
    assert done.stderr.splitlines() == ["error: de demo heeft de AWS-emulator moto nodig: pip install 'wolkenwacht[demo]'"]
    assert not (tmp_path / "run" / "out").exists()


def test_moto_comes_only_with_the_demo_extra():
    """``pip install .`` does not pull moto; ``wolkenwacht[demo]`` (which make demo and make test install) does."""
    project = PYPROJECT["project"]
    named = lambda requirements: {re.split(r"[\[<>=!~ ;]", r, maxsplit=1)[0].lower() for r in requirements}  # noqa: E731
    assert "moto" not in named(project["dependencies"])
    assert {extra for extra, requirements in project["optional-dependencies"].items() if "moto" in named(requirements)} == {"demo"}
    assert "'.[demo,test]'" in (ROOT / "Makefile").read_text(encoding="utf-8")
