"""The demo's output (config.toml, wolkenwacht.db, report.html), built once per test session and shared."""

from pathlib import Path

from click.testing import CliRunner

from scanner.cli import main

_BUILT: dict[str, Path] = {}


def demo_folder(tmp_path_factory) -> Path:
    if "nl" not in _BUILT:
        folder = tmp_path_factory.mktemp("demo-reports")
        result = CliRunner().invoke(main, ["demo", "--output-dir", str(folder), "--lang", "nl"])
        assert result.exit_code == 0, result.output
        _BUILT["nl"] = folder
    return _BUILT["nl"]
