"""Rows as connectors hand them over: one light dataclass per inventory table.

``rows.Resource(...)`` has the fields of the table ``models.Resource`` with the same defaults,
except ``id`` (the database assigns it) and ``scan_id`` (the :class:`~scanner.db.Writer` fills it).
``row.model`` names the table. The tables in ``scanner.models`` stay the one definition; each row
type is derived from its table. The reason is cost: building a SQLModel table instance takes about
50 µs (SQLAlchemy instrumentation and pydantic hooks on every field), a slotted dataclass about
1 µs, and an inventory can hold a million resources.
"""

from dataclasses import field, make_dataclass
from typing import ClassVar, Protocol

from pydantic_core import PydanticUndefined
from sqlmodel import SQLModel

from scanner import models

FILLED_BY_STORAGE = ("id", "scan_id")


class Row(Protocol):
    """Any row type made by :func:`row_type`."""

    model: ClassVar[type[SQLModel]]


def row_type(model: type[SQLModel]) -> type:
    """A slotted dataclass with the table's fields and defaults; ``model`` is the table."""
    fields = []
    for name, info in model.model_fields.items():
        if name in FILLED_BY_STORAGE:
            continue
        if info.default_factory is not None:
            spec = field(default_factory=info.default_factory)
        elif info.default is PydanticUndefined:
            spec = field()
        else:
            spec = field(default=info.default)
        fields.append((name, info.annotation, spec))
    row = make_dataclass(model.__name__, fields, kw_only=True, slots=True)
    row.model = model
    return row


Account = row_type(models.Account)
Resource = row_type(models.Resource)
Setting = row_type(models.Setting)
SecurityService = row_type(models.SecurityService)
Collection = row_type(models.Collection)
Scan = row_type(models.Scan)
FactResource = row_type(models.FactResource)
RegisterService = row_type(models.RegisterService)
RegisterMailbox = row_type(models.RegisterMailbox)
RegisterTeam = row_type(models.RegisterTeam)
RegisterExplain = row_type(models.RegisterExplain)
RegisterAttestation = row_type(models.RegisterAttestation)
PackControl = row_type(models.PackControl)
CheckSource = row_type(models.CheckSource)
Finding = row_type(models.Finding)
