"""Row types (inventory.rows) match their tables, and the Writer stores what the ORM would store."""

import ast
import dataclasses
import hashlib
import importlib
import inspect
import json
from datetime import UTC, datetime, timedelta, timezone

import orjson
import pytest
from sqlmodel import Session, SQLModel, select

import connectors.registry  # noqa: F401 - registers the connector tables
from connectors.m365 import rows as m365_rows
from connectors.onprem import rows as onprem_rows
from inventory import rows, tables
from inventory.db import Writer
from tests.support import new_inventory

ROW_TYPES = [t for module in (rows, m365_rows, onprem_rows) for t in vars(module).values()
             if isinstance(t, type) and hasattr(t, "model") and t is not rows.Row]
NOT_WRITTEN_ROW_BY_ROW = {"ref_region", "ref_region_country", "ref_country", "ref_provider",  # reference.py
                          "fact_resource_country", "fact_region", "fact_provider",  # INSERT ... SELECT
                          "finding_transition", "finding_row", "finding_body",  # drafts stored (inventory/drafts.py)
                          "resource_state", "resource_row",  # the Writer, from the view's row type Resource
                          "finding",  # a view (its model is for queries)
                          "raw_document"}  # the Writer, from the raw answers of resource rows


@pytest.mark.parametrize("row_type", ROW_TYPES, ids=lambda t: t.__name__)
def test_row_type_has_the_columns_and_defaults_of_its_table(row_type):
    table = row_type.model.__table__
    fields = {f.name: f for f in dataclasses.fields(row_type)}
    assert list(fields) == ["raw" if c.name == rows.RAW_ADDRESS else c.name for c in table.columns if c.name not in ("id", "scan_id")]
    for name, field in fields.items():
        info = row_type.model.model_fields[rows.RAW_ADDRESS if name == "raw" and rows.RAW_ADDRESS in table.c else name]
        required = info.is_required()
        assert (field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING) == required
        if not required and field.default_factory is dataclasses.MISSING:
            assert field.default == info.default, name


def test_every_table_that_scans_fill_has_a_row_type():
    with_rows = {t.model.__tablename__ for t in ROW_TYPES}
    assert set(SQLModel.metadata.tables) - with_rows == NOT_WRITTEN_ROW_BY_ROW


def test_missing_or_unknown_field_is_refused():
    with pytest.raises(TypeError):
        rows.Resource(provider="aws", account_id="1", type="s3.bucket", source_api="s3:ListBuckets")  # no uid
    with pytest.raises(TypeError):
        rows.Resource(provider="aws", account_id="1", uid="u", type="t", source_api="s", colour="red")


def test_writer_stores_what_the_orm_stores(tmp_path):
    """Column by column the same resource, its state stored once and addressed by the SHA-256 of its values, the
    raw answer stored once as the raw_document addressed by the SHA-256 of its JSON text."""
    engine, scan_id = new_inventory(tmp_path)
    amsterdam = timezone(timedelta(hours=2))
    values = dict(provider="aws", account_id="111122223333", type="s3.bucket", name="b", region="eu-west-1",
                  created_at=datetime(2024, 5, 1, 12, 30, 15, 250, tzinfo=amsterdam),
                  tags={"Classificatie": "intern", "ü": [1]},
                  stores_data=True, encrypted=False, key_custody="none", source_api="s3:ListBuckets")
    raw = {"Name": "b", "ü": {"n": None}}
    writer = Writer(engine, scan_id, batch=1)
    writer.add(rows.Resource(uid="by-writer", raw=raw, **values))
    writer.add(rows.Resource(uid="by-writer", raw=raw, **values))  # found twice: one state, two rows
    writer.flush()
    sha256 = hashlib.sha256(json.dumps(raw, separators=(",", ":"), ensure_ascii=False).encode()).digest()
    with Session(engine) as session:
        state = tables.ResourceState(sha256=b"o" * 32, uid="by-orm", raw_sha256=sha256, **values)
        session.add(state)
        session.flush()
        session.add(tables.ResourceRow(scan_id=scan_id, state_id=state.id))
        session.commit()
    with engine.connect() as conn:
        stored = [r._asdict() for r in conn.exec_driver_sql("select * from resource order by id").all()]
        assert conn.exec_driver_sql("select count(*) from raw_document").scalar_one() == 1
        state = conn.exec_driver_sql("select * from resource_state where uid = 'by-writer'").one()._asdict()
    first, second, by_orm = stored
    assert {k: v for k, v in first.items() if k not in ("id", "uid")} == \
           {k: v for k, v in by_orm.items() if k not in ("id", "uid")}
    assert {k: v for k, v in first.items() if k != "id"} == {k: v for k, v in second.items() if k != "id"}
    assert first["scan_id"] == scan_id and first["id"] < second["id"]
    found = [values.get(name, "by-writer" if name == "uid" else None) for name in tables.ResourceFound.model_fields]
    assert state["sha256"] == hashlib.sha256(orjson.dumps([*found, sha256.hex()])).digest()  # its values as found
    with Session(engine) as session:
        read = session.exec(select(tables.Resource).where(tables.Resource.uid == "by-writer")).first()
    assert read.created_at == datetime(2024, 5, 1, 10, 30, 15, 250, tzinfo=UTC)
    assert (read.tags, read.raw, read.encrypted) == (values["tags"], raw, False)
    assert writer.counts == {"resource": 2}


def test_writer_puts_parameters_in_table_order(tmp_path):
    """fact_resource's primary key (resource_id) comes before scan_id in the table."""
    engine, scan_id = new_inventory(tmp_path)
    writer = Writer(engine, scan_id)
    for uid in ("u1", "u2"):
        writer.add(rows.Resource(provider="aws", account_id="1", uid=uid, type="t", source_api="s"))
    writer.flush()
    with engine.connect() as conn:
        resource_id = conn.exec_driver_sql("select id from resource where uid = 'u2'").scalar_one()
    assert resource_id != scan_id
    writer.add(rows.FactResource(resource_id=resource_id, location_kind="unreported", classification="unknown",
                                 classification_source="none", first_seen=datetime(2026, 1, 1, tzinfo=UTC)))
    writer.flush()
    with Session(engine) as session:
        fact = session.exec(select(tables.FactResource)).one()
    assert (fact.resource_id, fact.scan_id, fact.location_kind) == (resource_id, scan_id, "unreported")


@pytest.mark.parametrize("module", [rows, m365_rows, onprem_rows], ids=lambda m: m.__name__)
def test_type_checker_sees_each_row_type_as_its_table(module):
    """The TYPE_CHECKING block names exactly the row types made at run time, each as the table it is made from."""
    tree = ast.parse(inspect.getsource(module))
    (block,) = [node for node in tree.body if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"]
    tables_of = {alias.name: statement.module for statement in block.body for alias in statement.names}
    made = {statement.targets[0].id for statement in block.orelse}
    assert set(tables_of) == made
    for name, table_module in tables_of.items():
        assert getattr(module, name).model is getattr(importlib.import_module(table_module), name)
