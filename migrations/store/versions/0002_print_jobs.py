"""print jobs: the durable receipt print queue

Revision ID: 0002_print_jobs
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_print_jobs"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "print_jobs",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("ref_id", sa.String(length=36), nullable=True),
        sa.Column("number", sa.String(length=48), nullable=True),
        sa.Column("till_id", sa.String(length=16), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("last_error", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("printed_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_print_jobs")),
        sa.UniqueConstraint("seq", name=op.f("uq_print_jobs_seq")),
    )
    with op.batch_alter_table("print_jobs", schema=None) as batch_op:
        batch_op.create_index("ix_print_jobs_state_seq", ["state", "seq"], unique=False)
        batch_op.create_index(batch_op.f("ix_print_jobs_ref_id"), ["ref_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_print_jobs_number"), ["number"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("print_jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_print_jobs_number"))
        batch_op.drop_index(batch_op.f("ix_print_jobs_ref_id"))
        batch_op.drop_index("ix_print_jobs_state_seq")
    op.drop_table("print_jobs")
