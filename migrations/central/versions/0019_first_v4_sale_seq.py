"""stores.first_v4_sale_seq: the store_seq of the first sale.completed version 4 (lines name their promotion)
central accepted from each store, filled from the events already applied; an older-version sale with a line
discount sent after it cannot have its promotion checked, and raises a task (central.services.sale_versions)

Revision ID: 0019_first_v4_sale_seq
Revises: 0018_promotion_terms
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0019_first_v4_sale_seq"
down_revision = "0018_promotion_terms"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("stores") as t:
        t.add_column(sa.Column("first_v4_sale_seq", sa.BigInteger(), nullable=True))
    op.execute(
        "UPDATE stores SET first_v4_sale_seq = (SELECT MIN(a.store_seq) FROM applied_events a "
        "WHERE a.store_id = stores.id AND a.type = 'sale.completed' AND a.schema_version >= 4 "
        "AND a.outcome = 'applied')"
    )


def downgrade() -> None:
    with op.batch_alter_table("stores") as t:
        t.drop_column("first_v4_sale_seq")
