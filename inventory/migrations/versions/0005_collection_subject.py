"""The resource a per-resource call was made for, so that its failure turns that resource's findings into error.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"


def upgrade() -> None:
    with op.batch_alter_table("collection") as batch:  # earlier scans keep null: their failures named no resource
        batch.add_column(sa.Column("subject", sa.String(), nullable=True))
