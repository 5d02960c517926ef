"""What the tool tells a person outside the reports (errors, notes, log lines), in Dutch and English.

Every message is a template with parameters in ``messages.toml``; code names it by key. The language is
Dutch unless ``wolkenwacht --lang en`` or the environment variable ``WOLKENWACHT_LANG`` says otherwise.
"""

import tomllib
from pathlib import Path

LANGUAGES = ("nl", "en")


def _flatten(table: dict, prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for name, value in table.items():
        if isinstance(value, dict):
            flat |= _flatten(value, f"{prefix}{name}.")
        else:
            flat[prefix + name] = value
    return flat


TEMPLATES: dict[str, dict[str, str]] = {
    lang: _flatten(table) for lang, table in tomllib.loads((Path(__file__).with_name("messages.toml")).read_text("utf-8")).items()}
_current = {"lang": "nl"}


def set_language(lang: str) -> None:
    """The language of every message from now on (``nl`` or ``en``)."""
    if lang not in LANGUAGES:
        raise ValueError(f"language {lang!r}: choose nl or en")
    _current["lang"] = lang


def language() -> str:
    return _current["lang"]


def say(key: str, **params) -> str:
    """The message ``key`` in the current language, its parameters filled in (a missing one raises KeyError)."""
    return TEMPLATES[_current["lang"]][key].format_map(params)


class Said(Exception):
    """An exception whose text is a message template: rendered in the language current when it is shown."""

    def __init__(self, key: str, **params):
        super().__init__(key)
        self.key, self.params = key, params

    def __str__(self) -> str:
        return say(self.key, **self.params)


class Invalid(Said, ValueError):
    """A validator's refusal of a config or register value (pydantic reports it as a value error)."""
