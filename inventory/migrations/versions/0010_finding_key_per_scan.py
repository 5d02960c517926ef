"""The finding key index leads with the scan: findings are appended in key order per scan instead of
scattered over one index of every scan's keys, so writing a scan costs the same however many are kept.

Revision ID: 0010
Revises: 0009
"""

from alembic import op

revision = "0010"
down_revision = "0009"


def upgrade() -> None:
    op.drop_index("ix_finding_key", "finding")
    op.create_index("ix_finding_scan_key", "finding", ["scan_id", "key"])
