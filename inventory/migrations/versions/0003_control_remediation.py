"""Remediation per control: what an admin does to comply (the pack's remediation table), kept with each scan.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    with op.batch_alter_table("pack_control") as batch:  # earlier scans keep null: their packs had none
        batch.add_column(sa.Column("remediation", sa.JSON(), nullable=True,
                                   comment="what an admin does to comply: nl, en, links and per-provider nl/en/links "
                                           "(the pack's remediation table)"))
