"""Messages outside the reports: every template in Dutch and English, every key the code names exists,
and the command line speaks Dutch unless asked otherwise."""

import ast
import string
from pathlib import Path

import pytest

from inventory.errors import UserError
from inventory.messages import TEMPLATES, set_language
from tests.cli_support import wolkenwacht

ROOT = Path(__file__).resolve().parent.parent
CODE = [p for folder in ("inventory", "connectors", "findings", "reports", "scanner") for p in (ROOT / folder).rglob("*.py")]
NAMERS = {"UserError", "Invalid", "SchemaError", "DatabaseBusy", "say", "_say"}
PASSERS = {"__str__", "_problem", "_say"}  # functions that pass on a key they were given (or pydantic's error type)


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_template_has_both_languages_with_the_same_placeholders():
    nl = {k: v for k, v in TEMPLATES["nl"].items() if not k.startswith("pydantic.")}
    en = {k: v for k, v in TEMPLATES["en"].items() if not k.startswith("pydantic.")}
    assert nl.keys() == en.keys()
    for key in nl:
        assert _fields(nl[key]) == _fields(en[key]), key
    assert {"pydantic.other"} <= TEMPLATES["nl"].keys() & TEMPLATES["en"].keys()


def _named_keys() -> list[str]:
    """What the code passes first to a message namer: UserError("cli.scan_missing", ...) names a key; anything
    but a string literal (an f-string, a variable) is listed as such, since only a key can be translated."""
    keys = []
    for path in CODE:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        passing = {id(n) for f in ast.walk(tree) if isinstance(f, ast.FunctionDef) and f.name in PASSERS for n in ast.walk(f)}
        for node in ast.walk(tree):
            if id(node) not in passing and isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) in NAMERS:
                first = node.args[0] if node.args else None
                literal = isinstance(first, ast.Constant) and isinstance(first.value, str)
                keys.append(first.value if literal else f"{path.relative_to(ROOT)}:{node.lineno}: not a key")
    return keys


def test_every_message_the_code_names_is_a_key_with_a_template():
    named = _named_keys()
    assert len(named) > 60  # the walk found the namers at all
    assert sorted(set(named) - TEMPLATES["nl"].keys()) == []


@pytest.mark.parametrize("lang, expected", [("nl", "bestand niet gevonden"), ("en", "file not found")])
def test_a_message_renders_in_the_language_current_when_shown(lang, expected):
    error = UserError("file.not_found", path="x.toml")
    set_language(lang)
    assert str(error) == f"x.toml: {expected}"


def test_the_command_line_speaks_dutch_by_default(tmp_path, monkeypatch):
    monkeypatch.delenv("WOLKENWACHT_LANG")
    result = wolkenwacht("report", "--config", str(tmp_path / "missing.toml"), "--output", str(tmp_path / "r.html"))
    assert result.returncode == 2
    assert result.stderr == f"fout: {tmp_path / 'missing.toml'}: bestand niet gevonden\n"


def test_dutch_validation_errors_name_field_and_problem(tmp_path, monkeypatch):
    monkeypatch.delenv("WOLKENWACHT_LANG")
    config = tmp_path / "config.toml"
    config.write_text('[scan]\nbusy_timeout_seconds = 0\n[[aws]]\nname = "a"\nregoins = ["eu-west-1"]\n', encoding="utf-8")
    result = wolkenwacht("report", "--config", str(config), "--output", str(tmp_path / "r.html"))
    assert result.returncode == 2
    assert result.stderr == (f"fout: {config}: scan.busy_timeout_seconds: moet groter zijn dan 0 (en nog 1)\n")


def test_english_on_request(tmp_path, monkeypatch):
    monkeypatch.delenv("WOLKENWACHT_LANG")
    result = wolkenwacht("--lang", "en", "report", "--config", str(tmp_path / "missing.toml"), "--output", str(tmp_path / "r.html"))
    assert result.stderr == f"error: {tmp_path / 'missing.toml'}: file not found\n"
