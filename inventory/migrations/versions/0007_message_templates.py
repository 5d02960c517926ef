"""Finding messages as templates with parameters: finding.message_key and message_params, and the
templates of each scan (message_template). Earlier scans keep their English message and no key.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"


def upgrade() -> None:
    with op.batch_alter_table("finding") as batch:
        batch.add_column(sa.Column("message_key", sa.String(), nullable=True))
        batch.add_column(sa.Column("message_params", sa.JSON(), nullable=True,
                                   comment="the message template's parameters"))
    op.create_table(
        "message_template",
        sa.Column("scan_id", sa.Integer(), sa.ForeignKey("scan.id"), primary_key=True),
        sa.Column("key", sa.String(), primary_key=True),
        sa.Column("nl", sa.String(), nullable=False),
        sa.Column("en", sa.String(), nullable=False))
