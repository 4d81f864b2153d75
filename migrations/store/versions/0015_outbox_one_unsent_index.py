"""Outbox: drop ix_outbox_acked_at, a prefix of ix_outbox_unsent (acked_at, store_seq), which answers every query
it did (unsent = acked_at IS NULL, the newest acked_at): one B-tree page fewer for every event written
(issue 18 point 5: the WAL pages a sale's FULL commit must flush)

Revision ID: 0015_outbox_one_unsent_index
Revises: 0014_weighed_goods
Create Date: 2026-12-04
"""

from alembic import op

revision = "0015_outbox_one_unsent_index"
down_revision = "0014_weighed_goods"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_outbox_acked_at", table_name="outbox")


def downgrade() -> None:
    op.create_index("ix_outbox_acked_at", "outbox", ["acked_at"], unique=False)
