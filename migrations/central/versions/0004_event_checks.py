"""event checks: the member on a sale, the earn rule's history, points entries by sale or refund

Revision ID: 0004_event_checks
Revises: 0002_loyalty
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_event_checks"
down_revision = "0002_loyalty"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "loyalty_rules",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("effective_from", sa.DateTime(), nullable=False),
        sa.Column("earn_per_amount", sa.BigInteger(), nullable=False),
        sa.Column("point_value", sa.BigInteger(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loyalty_rules")),
        sa.UniqueConstraint("effective_from", name=op.f("uq_loyalty_rules_effective_from")),
    )
    with op.batch_alter_table("sales", schema=None) as batch_op:
        batch_op.add_column(sa.Column("member_id", sa.String(length=36), nullable=True))
    with op.batch_alter_table("points_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_points_entries_ref_id"), ["ref_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("points_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_points_entries_ref_id"))
    with op.batch_alter_table("sales", schema=None) as batch_op:
        batch_op.drop_column("member_id")
    op.drop_table("loyalty_rules")
