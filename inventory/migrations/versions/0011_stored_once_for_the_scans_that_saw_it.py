"""Resources and findings stored once for the scans that found and judged the same.

A resource's state as found becomes one resource_state, addressed by the SHA-256 of its values and shared by
every scan that found it so; ``resource_row`` keeps one small row per scan and resource (its id stays the
resource's id) pointing at it, and the view ``resource`` (views.sql) shows every row as before. What a finding
says becomes one finding_body, shared by every scan that judged the same; the table ``finding`` becomes
``finding_row`` (its id stays the finding's id, so finding_transition and every report keep theirs) and the
view ``finding`` shows every finding as the table held it.

Revision ID: 0011
Revises: 0010
"""

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"

SAYS = ("pack", "control_id", "check_id", "status", "check_status", "severity", "message", "message_key",
        "message_params", "deadline", "provider", "account_id", "evidence", "key")
JSON_COLUMNS = ("message_params", "evidence")
STATE = ("provider", "account_id", "uid", "type", "name", "region", "created_at", "tags", "stores_data", "encrypted",
         "key_custody", "key_id", "source_api", "raw_sha256")
# A state's address at the upgrade: SHA-256 of its stored values as a JSON array. A later scan addresses the
# states it finds from their values as found (inventory.db.state_address): its first scan after the upgrade
# stores each state once more.
HEX = {"sqlite": "hex(raw_sha256)", "postgresql": "encode(raw_sha256, 'hex')"}
STATE_TEXT = {"sqlite": "json_array({})", "postgresql": "cast(json_build_array({}) as text)"}
SHA256 = {"sqlite": "sha256({})", "postgresql": "sha256(convert_to({}, 'UTF8'))"}


def _state_address(dialect: str) -> str:
    values = ", ".join(HEX[dialect] if c == "raw_sha256" else c for c in STATE)
    return SHA256[dialect].format(STATE_TEXT[dialect].format(values))


def _sha256(document: str) -> bytes:
    return hashlib.sha256(document.encode()).digest()


def upgrade() -> None:
    _resources()
    _findings()


def _resources() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":  # PostgreSQL has sha256() built in
        bind.connection.driver_connection.create_function("sha256", 1, _sha256, deterministic=True)
    op.create_table(
        "resource_state",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("sha256", sa.LargeBinary(), nullable=False),
        sa.Column("provider", sa.String(), nullable=False),
        sa.Column("account_id", sa.String(), nullable=False),
        sa.Column("uid", sa.String(), nullable=False),
        sa.Column("type", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=True),
        sa.Column("region", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("tags", sa.JSON(), nullable=True, comment="tags or labels as a JSON object"),
        sa.Column("stores_data", sa.Boolean(), nullable=False),
        sa.Column("encrypted", sa.Boolean(), nullable=True),
        sa.Column("key_custody", sa.String(), nullable=True),
        sa.Column("key_id", sa.String(), nullable=True),
        sa.Column("source_api", sa.String(), nullable=False),
        sa.Column("raw_sha256", sa.LargeBinary(), sa.ForeignKey("raw_document.sha256"), nullable=True))
    op.drop_index("ix_resource_scan", "resource_row")
    op.drop_index("ix_resource_uid", "resource_row")
    with op.batch_alter_table("resource_row") as batch:
        batch.add_column(sa.Column("state_sha256", sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column("state_id", sa.Integer(), nullable=True))
    op.execute(f"update resource_row set state_sha256 = {_state_address(bind.dialect.name)}")
    # One state per distinct address, with the id of the first row that held it.
    first = "min(id) over (partition by state_sha256)"
    op.execute(f"insert into resource_state (id, sha256, {', '.join(STATE)}) select id, state_sha256, {', '.join(STATE)}"
               f" from (select *, {first} as first from resource_row) r where id = first")
    op.execute(f"update resource_row set state_id = r.first from (select id, {first} as first from resource_row) r"
               " where r.id = resource_row.id")
    if bind.dialect.name == "postgresql":  # the next state stored gets the id after these
        op.execute("select setval(pg_get_serial_sequence('resource_state', 'id'), coalesce(max(id), 0) + 1, false)"
                   " from resource_state")
    with op.batch_alter_table("resource_row") as batch:
        batch.drop_constraint("fk_resource_row_raw_document", type_="foreignkey")
        for column in (*STATE, "state_sha256"):
            batch.drop_column(column)
        batch.alter_column("state_id", existing_type=sa.Integer(), nullable=False)
        batch.create_foreign_key("fk_resource_row_resource_state", "resource_state", ["state_id"], ["id"])
    op.create_index("ix_resource_row_scan", "resource_row", ["scan_id", "state_id"])  # covers a scan's states: the view reads no row
    op.create_index("ix_resource_row_state", "resource_row", ["state_id", "scan_id"])
    op.create_index("ix_resource_state_uid", "resource_state", ["provider", "account_id", "uid"])


def _findings() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    # PostgreSQL's json has no equality: grouped by its text, which is the stored text unchanged.
    same = [f"cast({c} as text)" if c in JSON_COLUMNS and postgresql else c for c in SAYS]
    kept = [f"cast({text} as json)" if text != c else c for c, text in zip(SAYS, same, strict=True)]
    op.create_table(
        "finding_body",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("pack", sa.String(), nullable=False),
        sa.Column("control_id", sa.String(), nullable=False),
        sa.Column("check_id", sa.String(), nullable=True),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("check_status", sa.String(), nullable=False),
        sa.Column("severity", sa.String(), nullable=False),
        sa.Column("message", sa.String(), nullable=False),
        sa.Column("message_key", sa.String(), nullable=True),
        sa.Column("message_params", sa.JSON(), nullable=True, comment="the message template's parameters"),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("provider", sa.String(), nullable=True),
        sa.Column("account_id", sa.String(), nullable=True),
        sa.Column("evidence", sa.JSON(), nullable=True, comment="what the check observed: the extra columns its SQL returned"),
        sa.Column("key", sa.String(), nullable=True))
    for index in ("ix_finding_scan", "ix_finding_account_level", "ix_finding_scan_key"):
        op.drop_index(index, "finding")
    op.rename_table("finding", "finding_row")  # finding_transition's foreign key follows the table
    # One body per distinct content, with the id of the first finding that said it.
    op.execute(f"insert into finding_body (id, {', '.join(SAYS)}) select min(id), {', '.join(kept)}"
               f" from finding_row group by {', '.join(same)}")
    with op.batch_alter_table("finding_row") as batch:
        batch.add_column(sa.Column("body_id", sa.Integer(), nullable=True))
    op.execute(f"update finding_row set body_id = w.body_id from (select id, min(id) over (partition by {', '.join(same)})"
               " as body_id from finding_row) w where w.id = finding_row.id")
    with op.batch_alter_table("finding_row") as batch:
        for column in SAYS:
            batch.drop_column(column)
        batch.alter_column("body_id", existing_type=sa.Integer(), nullable=False)
        batch.create_foreign_key("fk_finding_row_finding_body", "finding_body", ["body_id"], ["id"])
    op.create_index("ix_finding_row_scan", "finding_row", ["scan_id"])
    op.create_index("ix_finding_row_body", "finding_row", ["body_id"])
    op.create_index("ix_finding_body_key", "finding_body", ["key"])
