"""Raw answers stored once: each distinct raw API answer of a resource becomes one raw_document, addressed
by the SHA-256 of its JSON text and shared by every scan that saw it. The table ``resource`` becomes
``resource_row`` (the raw answer replaced by its address), and the view ``resource`` (views.sql) shows
every row as it was, raw answer included. Existing answers keep their stored text byte for byte.

Revision ID: 0005
Revises: 0004
"""

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"

ADDRESS = {"sqlite": "sha256(raw)", "postgresql": "sha256(convert_to(raw::text, 'UTF8'))"}


def _sha256(document: str | None) -> bytes | None:
    return None if document is None else hashlib.sha256(document.encode()).digest()


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":  # PostgreSQL has sha256() built in
        bind.connection.driver_connection.create_function("sha256", 1, _sha256, deterministic=True)
    op.create_table("raw_document",
                    sa.Column("sha256", sa.LargeBinary(), primary_key=True),
                    sa.Column("raw", sa.JSON(), nullable=True, comment="the provider's API answer"))
    op.rename_table("resource", "resource_row")  # the foreign keys of finding and fact_* follow the table
    with op.batch_alter_table("resource_row") as batch:
        batch.add_column(sa.Column("raw_sha256", sa.LargeBinary(), nullable=True))
    op.execute(f"update resource_row set raw_sha256 = {ADDRESS[bind.dialect.name]} where raw is not null")
    op.execute("insert into raw_document (sha256, raw) select raw_sha256, raw from resource_row"
               " where raw_sha256 is not null on conflict do nothing")
    with op.batch_alter_table("resource_row") as batch:
        batch.drop_column("raw")
        batch.create_foreign_key("fk_resource_row_raw_document", "raw_document", ["raw_sha256"], ["sha256"])
