"""A control's manual guidance in Dutch beside the English ``manual`` (the pack's manual_nl), kept with each scan.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"


def upgrade() -> None:
    with op.batch_alter_table("pack_control") as batch:  # earlier scans keep null: their packs had English guidance only
        batch.add_column(sa.Column("manual_nl", sa.String(), nullable=True))
