"""Rows as connectors hand them over: one light dataclass per inventory table.

``rows.Resource(...)`` has the fields of the table ``tables.Resource`` with the same defaults,
except ``id`` (the database assigns it) and ``scan_id`` (the :class:`~inventory.db.Writer` fills it);
a table that stores its raw answer by address (``raw_sha256``) takes the answer itself as ``raw``.
``row.model`` names the table. The tables in ``inventory.tables`` stay the one definition; each row
type is derived from its table. The reason is cost: building a SQLModel table instance takes about
50 µs (SQLAlchemy instrumentation and pydantic hooks on every field), a slotted dataclass about
1 µs, and an inventory can hold a million resources. A dataclass made at run time is opaque to a
type checker, so under ``TYPE_CHECKING`` each name is its table instead (the fields are the same).
"""

from dataclasses import field, make_dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from pydantic_core import PydanticUndefined
from sqlmodel import SQLModel

from inventory import tables

FILLED_BY_STORAGE = ("id", "scan_id")
RAW_ADDRESS = "raw_sha256"  # the Writer stores the row's ``raw`` as a raw_document and puts its address here


class Row(Protocol):
    """Any row type made by :func:`row_type`."""

    model: ClassVar[type[SQLModel]]


def row_type(model: type[SQLModel]) -> type:
    """A slotted dataclass with the table's fields and defaults; ``model`` is the table."""
    fields = []
    for name, info in model.model_fields.items():
        if name in FILLED_BY_STORAGE:
            continue
        annotation = info.annotation
        if name == RAW_ADDRESS:
            name, annotation = "raw", Any
        if info.default_factory is not None:
            spec = field(default_factory=info.default_factory)
        elif info.default is PydanticUndefined:
            spec = field()
        else:
            spec = field(default=info.default)
        fields.append((name, annotation, spec))
    row = make_dataclass(model.__name__, fields, kw_only=True, slots=True)
    row.model = model
    return row


if TYPE_CHECKING:  # a type checker sees each row type as its table: same fields, same defaults
    from inventory.tables import (
        Account,
        CheckSource,
        Collection,
        FactResource,
        MessageTemplate,
        PackControl,
        RegisterAcceptedRisk,
        RegisterAttestation,
        RegisterExplain,
        RegisterMailbox,
        RegisterService,
        RegisterTeam,
        Resource,
        Scan,
        ScopeExcluded,
        SecurityService,
        Setting,
    )
else:
    Account = row_type(tables.Account)
    Resource = row_type(tables.Resource)
    Setting = row_type(tables.Setting)
    SecurityService = row_type(tables.SecurityService)
    Collection = row_type(tables.Collection)
    ScopeExcluded = row_type(tables.ScopeExcluded)
    Scan = row_type(tables.Scan)
    FactResource = row_type(tables.FactResource)
    RegisterService = row_type(tables.RegisterService)
    RegisterMailbox = row_type(tables.RegisterMailbox)
    RegisterTeam = row_type(tables.RegisterTeam)
    RegisterExplain = row_type(tables.RegisterExplain)
    RegisterAttestation = row_type(tables.RegisterAttestation)
    RegisterAcceptedRisk = row_type(tables.RegisterAcceptedRisk)
    PackControl = row_type(tables.PackControl)
    CheckSource = row_type(tables.CheckSource)
    MessageTemplate = row_type(tables.MessageTemplate)
