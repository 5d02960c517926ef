"""Errors shown to the user as one line, and reading the TOML files they come from."""

import tomllib
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from inventory.messages import TEMPLATES, Said, language, say

Model = TypeVar("Model", bound=BaseModel)


class UserError(Said):
    """A problem in the user's input (config, register, arguments): printed as one line, in the user's language."""


def _problem(err: dict) -> str:
    """One validation error in the current language: our validators' own message, else pydantic's by its type."""
    context = err.get("ctx") or {}
    if isinstance(context.get("error"), Said):
        return str(context["error"])
    if language() == "en":
        return err["msg"]
    key = f"pydantic.{err['type']}"
    return say(key if key in TEMPLATES["nl"] else "pydantic.other", type=err["type"], msg=err["msg"],
                **{name: int(value) if isinstance(value, float) and value.is_integer() else value
                   for name, value in context.items() if name != "error"})


def from_validation(path: Path | str, exc: ValidationError) -> UserError:
    """Name the file, the field and the problem of the first validation error."""
    err = exc.errors()[0]
    where = ".".join(str(part) for part in err["loc"]) or say("file.top_level")
    more = say("file.more", count=exc.error_count() - 1) if exc.error_count() > 1 else ""
    return UserError("file.invalid", path=path, field=where, problem=_problem(err), more=more)


def read_toml(path: Path, model: type[Model], extra: dict | None = None) -> tuple[Model, str]:
    """Read a TOML file into a validated model (plus ``extra`` fields); returns it with the file's text.

    Validators see the file's folder as context ``base`` (relative paths are relative to the file)."""
    try:
        content = path.read_text(encoding="utf-8")
        data = tomllib.loads(content)
    except FileNotFoundError:
        raise UserError("file.not_found", path=path) from None
    except IsADirectoryError:
        raise UserError("file.is_directory", path=path) from None
    except UnicodeDecodeError as exc:
        raise UserError("file.not_utf8", path=path, byte=exc.start) from None
    except OSError as exc:
        raise UserError("file.unreadable", path=path, reason=exc.strerror) from None
    except tomllib.TOMLDecodeError as exc:
        raise UserError("file.not_toml", path=path, reason=exc) from None
    try:
        return model.model_validate(data | (extra or {}), context={"base": path.parent}), content
    except ValidationError as exc:
        raise from_validation(path, exc) from None
