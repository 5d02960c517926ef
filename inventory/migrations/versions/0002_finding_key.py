"""Finding key: the same for the same control, check and subject in every scan; filled for earlier scans.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"

# As inventory.db.FINDING_KEY at this revision (frozen here: a later change of the key needs its own migration).
FILL = """
update finding set key = control_id || '|' || coalesce(check_id, '') || '|' || coalesce(
  (select r.provider || '|' || r.account_id || '|' || r.uid from resource r where r.id = finding.resource_id),
  coalesce(provider, '') || '|' || coalesce(account_id, '') || '|')
"""


def upgrade() -> None:
    with op.batch_alter_table("finding") as batch:
        batch.add_column(sa.Column("key", sa.String(), nullable=True))
    op.execute(FILL)
    op.create_index("ix_finding_key", "finding", ["key", "scan_id"])
