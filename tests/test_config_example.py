"""config.example.toml shows every key the configuration accepts, and no key it refuses."""

import re
import types
import typing
from pathlib import Path

from pydantic import BaseModel

from scanner.config import Config, load_config

EXAMPLE = Path(__file__).parent.parent / "config.example.toml"
TABLE = re.compile(r"^#?\s*\[\[?([\w.]+)\]\]?\s*(#.*)?$")
KEY = re.compile(r"^#?\s*([a-z_]+)\s*=")


def _model(annotation) -> tuple[type[BaseModel] | None, bool]:
    """The model inside an annotation (``Model``, ``Model | None``, ``list[Model]``) and whether it is a list."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, False
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) is list and args:
        return _model(args[0])[0], True
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return next((m for m, _ in map(_model, args) if m), None), False
    return None, False


def model_keys(model: type[BaseModel], prefix: str = "") -> set[str]:
    """Every key path the model accepts (aliases as written in the file), tables included."""
    keys = set()
    for name, field in model.model_fields.items():
        path = prefix + (field.alias or name)
        keys.add(path)
        inner, _ = _model(field.annotation)
        if inner:
            keys |= model_keys(inner, path + ".")
    return keys


def example_keys(text: str) -> set[str]:
    """Key paths in the example, counting the commented-out ones (``# key = ...``, ``# [[table]]``)."""
    keys, table = set(), ""
    for line in text.splitlines():
        if match := TABLE.match(line):
            table = match.group(1) + "."
            keys.add(match.group(1))
        elif match := KEY.match(line):
            keys.add(table + match.group(1))
    return keys


def test_the_example_shows_every_key_the_config_accepts():
    accepted, shown = model_keys(Config), example_keys(EXAMPLE.read_text(encoding="utf-8"))
    assert {"aws.max_attempts", "aws.organization.role_name", "m365.tenant_id", "scan.deadline_minutes"} <= accepted
    assert sorted(accepted - shown) == [], "keys the config accepts but config.example.toml does not show"
    assert sorted(shown - accepted) == [], "keys config.example.toml shows but the config refuses"


def test_the_example_itself_is_a_valid_config():
    config = load_config(EXAMPLE)
    assert config.aws and config.organisation.name


def test_the_comparison_sees_a_missing_key():
    text = EXAMPLE.read_text(encoding="utf-8")
    assert "aws.max_attempts" not in example_keys(re.sub(r"(?m)^#?\s*max_attempts\s*=.*$", "", text))
    assert "azure.tenant_id" in example_keys("# [[azure]]\n# tenant_id = \"x\"\n")
