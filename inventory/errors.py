"""Errors shown to the user as one line, and reading the TOML files they come from."""

import tomllib
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

Model = TypeVar("Model", bound=BaseModel)


class UserError(Exception):
    """A problem in the user's input (config, register, arguments): printed as one line."""


def from_validation(path: Path | str, exc: ValidationError) -> UserError:
    """Name the file, the field and the problem of the first validation error."""
    err = exc.errors()[0]
    where = ".".join(str(part) for part in err["loc"]) or "(top level)"
    message = err["msg"].removeprefix("Value error, ")
    more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return UserError(f"{path}: {where}: {message}{more}")


def read_toml(path: Path, model: type[Model], extra: dict | None = None) -> tuple[Model, str]:
    """Read a TOML file into a validated model (plus ``extra`` fields); returns it with the file's text.

    Validators see the file's folder as context ``base`` (relative paths are relative to the file)."""
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except FileNotFoundError:
        raise UserError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise UserError(f"{path}: is a directory, not a file") from None
    except UnicodeDecodeError as exc:
        raise UserError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise UserError(f"{path}: cannot be read: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"{path}: not valid TOML: {exc}") from None
    try:
        return model.model_validate(data | (extra or {}), context={"base": path.parent}), text
    except ValidationError as exc:
        raise from_validation(path, exc) from None
