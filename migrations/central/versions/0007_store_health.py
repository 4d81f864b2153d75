"""what each store reports with its sync calls: version, outbox, dead letters, printer, round time, clock skew

Revision ID: 0007_store_health
Revises: 0006_feed_scope
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_store_health"
down_revision = "0006_feed_scope"
branch_labels = None
depends_on = None

COLUMNS = (
    ("reported_at", sa.DateTime()),
    ("reported_version", sa.String(length=32)),
    ("reported_outbox_depth", sa.BigInteger()),
    ("reported_outbox_oldest_seconds", sa.BigInteger()),
    ("reported_dead_letters", sa.BigInteger()),
    ("reported_printer", sa.String(length=16)),
    ("reported_printer_waiting", sa.BigInteger()),
    ("reported_round_seconds", sa.Float()),
    ("reported_cursor", sa.BigInteger()),
    ("clock_skew_seconds", sa.Float()),
)


def upgrade() -> None:
    with op.batch_alter_table("stores") as batch:
        for name, type_ in COLUMNS:
            batch.add_column(sa.Column(name, type_, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("stores") as batch:
        for name, _ in reversed(COLUMNS):
            batch.drop_column(name)
