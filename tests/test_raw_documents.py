"""Raw answers stored once by address: every scan's resources read as written, repeated answers are not
stored again, pruning keeps shared answers and removes the ones no scan holds any more."""

import json

import orjson
from sqlalchemy import text

from inventory.retention import prune
from inventory.rows import Resource
from tests.support import add_scan, new_inventory, store


def as_json(value) -> str:
    """A raw value as the view returns it (text on SQLite, parsed on PostgreSQL), as sorted JSON text."""
    return json.dumps(orjson.loads(value) if isinstance(value, str) else value, sort_keys=True)


def resources(engine) -> dict[tuple[int, str], str]:
    """(scan, uid) -> raw answer, through the view ``resource``."""
    with engine.connect() as conn:
        return {(s, uid): as_json(raw) for s, uid, raw in conn.execute(text("select scan_id, uid, raw from resource"))}


def documents(engine, table: str = "raw_document") -> int:
    with engine.connect() as conn:
        return conn.execute(text(f"select count(*) from {table}")).scalar_one()


def orphans(engine) -> tuple[int, int]:
    """Documents no row holds, and rows whose document is missing."""
    with engine.connect() as conn:
        unheld = conn.execute(text("select count(*) from raw_document d where not exists"
                                   " (select 1 from resource_state s where s.raw_sha256 = d.sha256)")).scalar_one()
        missing = conn.execute(text("select count(*) from resource_state s where not exists"
                                    " (select 1 from raw_document d where d.sha256 = s.raw_sha256)")).scalar_one()
    return unheld, missing


def estate(changed: int | None = None) -> list:
    """Twenty resources: fifteen answers of their own, four that share one, one without (JSON null, as a JSON column
    stores it); resource number ``changed`` answers differently."""
    rows = []
    for i in range(20):
        raw = None if i == 19 else {"shared": True} if i >= 15 else {"id": f"r{i}", "nested": {"n": [i, None]}}
        if i == changed:
            raw = {**raw, "etag": "changed"}
        rows.append(Resource(provider="aws", account_id="111122223333", uid=f"arn:aws:s3:::bucket-{i}", type="s3.bucket",
                             source_api="s3:ListBuckets", raw=raw))
    return rows


def test_repeated_answers_are_stored_once_and_read_back_as_written(tmp_path):
    engine, first = new_inventory(tmp_path)
    written = estate()
    store(engine, first, written)
    distinct = {orjson.dumps(r.raw) for r in written}
    assert len(distinct) == 17 and documents(engine) == len(distinct)
    second = add_scan(engine)
    store(engine, second, written)
    assert documents(engine) == len(distinct)  # the unchanged scan added no document
    assert documents(engine, "resource_state") == len(written)  # and no resource state: only its rows
    third = add_scan(engine)
    store(engine, third, estate(changed=0))
    assert documents(engine) == len(distinct) + 1
    assert documents(engine, "resource_state") == len(written) + 1
    read = resources(engine)
    for scan_id in (first, second):
        assert {uid: raw for (s, uid), raw in read.items() if s == scan_id} == {r.uid: as_json(r.raw) for r in written}
    assert json.loads(read[(third, written[0].uid)])["etag"] == "changed"
    assert orphans(engine) == (0, 0)


def test_prune_keeps_shared_answers_and_removes_those_no_scan_holds(tmp_path):
    engine, first = new_inventory(tmp_path)
    written = estate()
    store(engine, first, written)
    second = add_scan(engine)
    store(engine, second, estate())
    third = add_scan(engine)
    store(engine, third, estate(changed=0))
    before, held = resources(engine), documents(engine)
    removed = prune(engine, [first])
    assert "raw_document" not in removed and "resource_state" not in removed  # all held by later scans too
    assert documents(engine) == held and documents(engine, "resource_state") == len(written) + 1
    assert resources(engine) == {k: v for k, v in before.items() if k[0] != first}
    removed = prune(engine, [second])
    assert removed["raw_document"] == removed["resource_state"] == 1  # the answer and state the third scan changed
    assert documents(engine) == held - 1
    assert resources(engine) == {k: v for k, v in before.items() if k[0] == third}
    assert orphans(engine) == (0, 0)
    removed = prune(engine, [third])
    assert removed["raw_document"] == held - 1 and removed["resource_state"] == len(written)
    assert documents(engine) == documents(engine, "resource_state") == 0
