"""Fewer B-tree pages per sale (issue 18 point 5: what a sale's FULL commit must flush):

- sales: the receipt number's uniqueness is a partial unique index (`number IS NOT NULL`), so an open sale (no
  number yet) is not in it: a new sale writes no page of it, and its completion one (it used to move an entry);
- sale_lines and tenders: WITHOUT ROWID tables keyed by their (time-ordered) id, so a scan or a payment writes
  the row into the key's B-tree instead of a rowid table plus a separate index of the id.

Revision ID: 0017_sale_rows_fewer_btrees
Revises: 0016_print_jobs_unused_indexes
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_sale_rows_fewer_btrees"
down_revision = "0016_print_jobs_unused_indexes"
branch_labels = None
depends_on = None

_NUMBERED = sa.text("number IS NOT NULL")


def upgrade() -> None:
    with op.batch_alter_table("sales", recreate="always") as batch:
        batch.drop_constraint("uq_sales_number", type_="unique")
    op.create_index("uq_sales_number", "sales", ["number"], unique=True, sqlite_where=_NUMBERED)
    for table in ("sale_lines", "tenders"):
        with op.batch_alter_table(table, recreate="always", table_kwargs={"sqlite_with_rowid": False}):
            pass


def downgrade() -> None:
    for table in ("tenders", "sale_lines"):
        with op.batch_alter_table(table, recreate="always", table_kwargs={"sqlite_with_rowid": True}):
            pass
    op.drop_index("uq_sales_number", table_name="sales")
    with op.batch_alter_table("sales", recreate="always") as batch:
        batch.create_unique_constraint("uq_sales_number", ["number"])
