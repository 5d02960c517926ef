"""Messages outside the reports: every template in Dutch and English, every key the code names exists,
and the command line (its help included) speaks Dutch unless asked otherwise."""

import ast
import string
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from inventory.errors import UserError
from inventory.messages import LANGUAGES, TEMPLATES, set_language
from scanner.cli import main
from scanner.helptext import Option
from tests.cli_support import wolkenwacht

ROOT = Path(__file__).resolve().parent.parent
CODE = [p for folder in ("inventory", "connectors", "findings", "reports", "scanner") for p in (ROOT / folder).rglob("*.py")]
NAMERS = {"UserError", "Invalid", "SchemaError", "DatabaseBusy", "say", "_say"}
PASSERS = {"__str__", "__get__", "_problem", "_say"}  # functions that pass on a key they were given (or pydantic's error type)
HELPED = {"option", "Option", "command", "group", "version_option"}  # Click makers whose help= and epilog= name a key


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
    """What the code passes first to a message namer: UserError("cli.scan_missing", ...) names a key, and so does
    the help= or epilog= of a Click command or option; anything but a string literal (an f-string, a variable)
    is listed as such, since only a key can be translated."""
    keys = []
    for path in CODE:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        passing = {id(n) for f in ast.walk(tree) if isinstance(f, ast.FunctionDef) and f.name in PASSERS for n in ast.walk(f)}
        for node in ast.walk(tree):
            if id(node) in passing or not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            named = [node.args[0] if node.args else None] if name in NAMERS else []
            named += [k.value for k in node.keywords if k.arg in ("help", "epilog")] if name in HELPED else []
            for first in named:
                literal = isinstance(first, ast.Constant) and isinstance(first.value, str)
                keys.append(first.value if literal else f"{path.relative_to(ROOT)}:{node.lineno}: not a key")
    return keys


def test_every_message_the_code_names_is_a_key_with_a_template():
    named = _named_keys()
    assert len(named) > 60  # the walk found the namers at all
    assert len([key for key in named if key.startswith("help.")]) > 40  # and the help of commands and options
    assert sorted(set(named) - TEMPLATES["nl"].keys()) == []


def _commands(command: click.Command, path: str = "wolkenwacht"):
    """Every command and group under ``command`` with its path, ``command`` first."""
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from _commands(sub, f"{path} {name}")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_command_and_option_has_help_in_both_languages(lang):
    set_language(lang)
    for path, command in _commands(main):
        assert command.help and not command.help.startswith("help."), path
        for param in command.params:
            if isinstance(param, click.Option):
                assert isinstance(param, Option), f"{path} {param.opts}: made with click.option, not scanner.helptext.option"
                assert param.help and not param.help.startswith("help."), f"{path} {param.opts}"


DUTCH, ENGLISH = ("Gebruik:", "Opties:", "Toon deze hulp en stop."), ("Usage:", "Options:", "Show this message and exit.")


def _help(*args: str, env: dict[str, str | None]) -> str:
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "help." not in result.output  # no key shown instead of its text
    return result.output


@pytest.mark.parametrize("command", [path.split()[1:] for path, _ in _commands(main)], ids=" ".join)
def test_help_is_dutch_by_default_and_english_on_request(command):
    dutch = _help(*command, "--help", env={"WOLKENWACHT_LANG": None})
    assert all(word in dutch for word in DUTCH) and not any(word in dutch for word in ENGLISH)
    assert "default:" not in dutch
    english = _help("--lang", "en", *command, "--help", env={"WOLKENWACHT_LANG": None})
    assert all(word in english for word in ENGLISH) and not any(word in english for word in DUTCH)
    assert _help(*command, "--help", env={"WOLKENWACHT_LANG": "en"}) == english


def test_group_help_follows_a_later_lang_and_the_environment():
    """``--help`` is handled as soon as Click meets it, before ``--lang`` would be; the language is set first."""
    english = _help("--lang", "en", "--help", env={"WOLKENWACHT_LANG": None})
    assert "Exit codes: 0 success" in english
    assert _help("--help", "--lang", "en", env={"WOLKENWACHT_LANG": None}) == english
    assert _help("--help", "--lang", "nl", env={"WOLKENWACHT_LANG": "en"}) != english
    assert "Afsluitcodes: 0 gelukt" in _help("--help", env={"WOLKENWACHT_LANG": None})


def test_a_group_without_its_command_prints_help_in_the_language_asked():
    result = CliRunner().invoke(main, ["--lang", "en", "db"], env={"WOLKENWACHT_LANG": None})
    assert "Usage:" in result.output and "The inventory database" in result.output
    result = CliRunner().invoke(main, [], env={"WOLKENWACHT_LANG": "en"})
    assert "Usage:" in result.output and "Exit codes" in result.output


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
