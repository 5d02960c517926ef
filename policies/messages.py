"""Finding messages: templates with parameters, in Dutch and English.

``policies/messages/<source>.toml`` holds the templates of one check (``<source>`` is the check id)
or of the rules (``rules``): a table per message, ``[name]`` with ``nl`` and ``en``, whose key is
``<source>.<name>``. A placeholder ``{param}`` names a column the check's SQL returns (the rules
name theirs in their SQL); nl and en must use the same placeholders. A finding stores its
``message_key`` and ``message_params``; any language renders it, and a missing parameter raises.
"""

import string
import tomllib
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from policies import ROOT

MESSAGES_DIR = ROOT / "messages"
LANGS = ("nl", "en")
NULL = {"nl": "onbekend", "en": "unknown"}  # a parameter without a value (SQL null)


class MessageError(Exception):
    """A template file breaks the rules above."""


class _Strict(dict):
    def __missing__(self, name: str):
        raise KeyError(f"message parameter {name!r} is missing")


def placeholders(template: str) -> tuple[str, ...]:
    """The parameter names of a template, in order; only plain ``{name}`` placeholders are allowed."""
    names = []
    for _, name, spec, conversion in string.Formatter().parse(template):
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            raise MessageError(f"placeholder {{{name}{'!' + conversion if conversion else ''}"
                               f"{':' + spec if spec else ''}}} is not a plain {{name}}")
        names.append(name)
    return tuple(names)


def render(template: str, params: Mapping | None, lang: str) -> str:
    """The template filled with the parameters; a null parameter reads 'unknown', a missing one raises KeyError."""
    values = {name: NULL[lang] if value is None else value for name, value in (params or {}).items()}
    return template.format_map(_Strict(values))


def _load(path: Path) -> dict[str, dict[str, str]]:
    try:
        tables = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise MessageError(f"{path}: {exc}") from exc
    found = {}
    for name, texts in tables.items():
        if not isinstance(texts, dict) or sorted(texts) != sorted(LANGS) or not all(isinstance(t, str) for t in texts.values()):
            raise MessageError(f"{path}: [{name}] needs exactly nl and en texts")
        try:
            nl, en = sorted(placeholders(texts["nl"])), sorted(placeholders(texts["en"]))
        except MessageError as exc:
            raise MessageError(f"{path}: [{name}]: {exc}") from exc
        if set(nl) != set(en):
            raise MessageError(f"{path}: [{name}]: nl has placeholders {nl}, en has {en}")
        found[f"{path.stem}.{name}"] = {lang: texts[lang] for lang in LANGS}
    return found


@cache
def load_messages() -> dict[str, dict[str, str]]:
    """Every message template, by key: ``{"<source>.<name>": {"nl": ..., "en": ...}}``."""
    messages = {}
    for path in sorted(MESSAGES_DIR.glob("*.toml")):
        messages |= _load(path)
    return messages


def templates_of(source: str) -> dict[str, dict[str, str]]:
    """The templates of one check or of the rules (``source``)."""
    return {key: texts for key, texts in load_messages().items() if key.startswith(f"{source}.")}


def sql_render(template: str, value_sql) -> str:
    """SQL text concatenating the template with each parameter's SQL (``value_sql(name)``); null reads 'unknown'."""
    parts = []
    for literal, name, _, _ in string.Formatter().parse(template):
        if literal:
            parts.append("'" + literal.replace("'", "''") + "'")
        if name is not None:
            parts.append(f"coalesce(cast({value_sql(name)} as varchar), '{NULL['en']}')")
    return " || ".join(parts) or "''"
