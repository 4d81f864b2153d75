"""reconciliation_items: who resolved a task at head office, when (indexed: the manager's "Selesai" list) and the note
they wrote; who opened it again, when and why (reconciliation topic version 2); none for a task kept before

Revision ID: 0026_reconciliation_resolution
Revises: 0025_promotion_mixed
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0026_reconciliation_resolution"
down_revision = "0025_promotion_mixed"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reconciliation_items") as t:
        t.add_column(sa.Column("resolved_by", sa.String(length=64), nullable=True))
        t.add_column(sa.Column("resolution_note", sa.String(length=500), nullable=True))
        t.add_column(sa.Column("reopened_at", sa.DateTime(), nullable=True))
        t.add_column(sa.Column("reopened_by", sa.String(length=64), nullable=True))
        t.add_column(sa.Column("reopen_note", sa.String(length=500), nullable=True))
        t.create_index(op.f("ix_reconciliation_items_resolved_at"), ["resolved_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("reconciliation_items") as t:
        t.drop_index(op.f("ix_reconciliation_items_resolved_at"))
        t.drop_column("reopen_note")
        t.drop_column("reopened_by")
        t.drop_column("reopened_at")
        t.drop_column("resolution_note")
        t.drop_column("resolved_by")
