"""The demo's output (config.toml, wolkenwacht.db, report.html), built once per test session and shared."""

import io
from pathlib import Path

from rich.console import Console

from scanner.demo import run_demo

_BUILT: dict[str, Path] = {}


def demo_folder(tmp_path_factory) -> Path:
    if "nl" not in _BUILT:
        folder = tmp_path_factory.mktemp("demo-reports")
        run_demo(folder, "nl", Console(file=io.StringIO()))
        _BUILT["nl"] = folder
    return _BUILT["nl"]
