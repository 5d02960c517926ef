"""Errors shown to the user as one line, without a traceback."""

from pathlib import Path

from pydantic import ValidationError


class UserError(Exception):
    """A problem in the user's input (config, register, arguments): printed as one line."""


def from_validation(path: Path | str, exc: ValidationError) -> UserError:
    """Name the file, the field and the problem of the first validation error."""
    err = exc.errors()[0]
    where = ".".join(str(part) for part in err["loc"]) or "(top level)"
    message = err["msg"].removeprefix("Value error, ")
    more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return UserError(f"{path}: {where}: {message}{more}")
