"""Print jobs: drop ix_print_jobs_ref_id and ix_print_jobs_number, which no query reads (the queue is read by state
and seq, a job by its id): two B-tree pages fewer for every receipt a sale queues, in the sale's FULL commit
(issue 18 point 5)

Revision ID: 0016_print_jobs_unused_indexes
Revises: 0015_outbox_one_unsent_index
Create Date: 2026-12-04
"""

from alembic import op

revision = "0016_print_jobs_unused_indexes"
down_revision = "0015_outbox_one_unsent_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_print_jobs_ref_id", table_name="print_jobs")
    op.drop_index("ix_print_jobs_number", table_name="print_jobs")


def downgrade() -> None:
    op.create_index("ix_print_jobs_number", "print_jobs", ["number"], unique=False)
    op.create_index("ix_print_jobs_ref_id", "print_jobs", ["ref_id"], unique=False)
