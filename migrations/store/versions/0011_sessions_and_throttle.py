"""sessions and sign-in throttling (issue 15): manager-screen sessions share staff_tokens (no till), an idle
timeout needs the last use, and failed sign-ins are counted per staff code and per address

Revision ID: 0011_sessions_and_throttle
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_sessions_and_throttle"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("staff_tokens", schema=None) as batch_op:
        batch_op.alter_column("till_id", existing_type=sa.String(length=16), nullable=True)
        batch_op.add_column(sa.Column("last_seen_at", sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f("ix_staff_tokens_staff_id"), ["staff_id"], unique=False)
    op.create_table(
        "sign_in_throttle",
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_sign_in_throttle")),
    )


def downgrade() -> None:
    op.drop_table("sign_in_throttle")
    op.execute("DELETE FROM staff_tokens WHERE till_id IS NULL")
    with op.batch_alter_table("staff_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_tokens_staff_id"))
        batch_op.drop_column("last_seen_at")
        batch_op.alter_column("till_id", existing_type=sa.String(length=16), nullable=False)
