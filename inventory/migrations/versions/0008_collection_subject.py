"""The resource a per-resource call was made for, so that its failure turns that resource's findings into error.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"


def upgrade() -> None:
    with op.batch_alter_table("collection") as batch:  # earlier scans keep null: their failures named no resource
        batch.add_column(sa.Column("subject", sa.String(), nullable=True))
