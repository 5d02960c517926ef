"""The PostgreSQL roles of docs/postgresql-roles.sql: the scanner writes, the auditor only reads,
CIO Rijk sees only the consolidated views — checked on a real server."""

from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from connectors.registry import TABLES
from findings.reference import load_reference
from inventory.db import Writer, connect, create_schema
from inventory.rows import Account, RegisterService, Scan

ROLES = Path(__file__).resolve().parents[1] / "docs" / "postgresql-roles.sql"


@pytest.fixture(scope="module")
def urls(postgres):
    """URLs of one database per role, after the roles file ran and the scanner stored one scan."""
    database = postgres.new_database().rsplit("/", 1)[1]
    with psycopg.connect(f"host=127.0.0.1 port={postgres.port} user=postgres dbname={database}", autocommit=True) as conn:
        conn.execute(ROLES.read_text(encoding="utf-8"))
    urls = {role: postgres.url(database).replace("postgres@", f"wolkenwacht_{role}@")
            for role in ("scanner", "auditor", "cio")}
    engine = connect(urls["scanner"])
    create_schema(engine, TABLES)
    load_reference(engine)
    writer = Writer(engine, 0)
    writer.add(Scan(started_at=datetime(2026, 12, 1, tzinfo=UTC), finished_at=datetime(2026, 12, 1, 1, tzinfo=UTC),
                    status="complete", tool_version="test", organisation_name="Ministerie van Tests",
                    organisation_profile="ministry", config_sha256="0" * 64))
    writer.flush()
    writer = Writer(engine, 1)
    writer.add(Account(provider="aws", account_id="111122223333", kind="aws-account", estate="prod"))
    writer.add(RegisterService(provider="aws", account_id="111122223333", name="Zaaksysteem", material=True))
    writer.flush()
    create_schema(engine, TABLES)  # a second scan recreates the views: the CIO grant must survive it
    engine.dispose()
    return urls


def scalar(url: str, sql: str):
    engine = connect(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql)).scalar()
    finally:
        engine.dispose()


def test_auditor_reads_everything_and_writes_nothing(urls):
    assert scalar(urls["auditor"], "select count(*) from register_service") == 1
    with pytest.raises(DBAPIError, match="read-only transaction"):
        scalar(urls["auditor"], "insert into scan (started_at, status, tool_version, organisation_profile, config_sha256)"
                                " values (now(), 'running', 'x', 'ministry', 'x') returning id")


def test_cio_sees_only_the_consolidated_views(urls):
    assert scalar(urls["cio"], "select organisations_material from cio_supplier where provider = 'aws'") == 1
    assert scalar(urls["cio"], "select name from cio_service") == "Zaaksysteem"
    for table in ("register_service", "finding", "resource", "scan"):
        with pytest.raises(DBAPIError, match="permission denied"):
            scalar(urls["cio"], f"select count(*) from {table}")
