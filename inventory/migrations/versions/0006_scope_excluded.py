"""Scope the configuration left out (AWS regions, Azure subscriptions), recorded per scan; and the
hybrid mail-flow connectors of an M365 tenant (Exchange hybrid evidence).

Earlier scans have no scope_excluded rows (they did not record what their configuration left out)
and null connector counts (not read).

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"


def upgrade() -> None:
    op.create_table(
        "scope_excluded",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("scan_id", sa.Integer(), sa.ForeignKey("scan.id"), nullable=False, index=True),
        sa.Column("provider", sa.String(), nullable=False),
        sa.Column("estate", sa.String(), nullable=False),
        sa.Column("account_id", sa.String(), nullable=False),
        sa.Column("region", sa.String(), nullable=True),
        sa.Column("name", sa.String(), nullable=True),
        sa.Column("config_field", sa.String(), nullable=False),
        sa.Column("source_api", sa.String(), nullable=False))
    with op.batch_alter_table("m365_tenant") as batch:
        batch.add_column(sa.Column("onprem_inbound_connectors", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("onprem_outbound_connectors", sa.Integer(), nullable=True))
