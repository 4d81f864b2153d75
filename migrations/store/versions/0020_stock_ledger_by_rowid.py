"""The stock ledger keyed by SQLite's rowid (issue 18 point 5: the WAL pages a sale's completion writes):

stock_movements gets `seq`, an INTEGER PRIMARY KEY (the rowid: the ledger's order of writing), and its UUID `id`
loses the primary key's index. A completion writes one movement per line; each went into the table, the SKU index
and the id's index: about 1.8 of its 13.8 WAL pages were the id's. Nothing looks a movement up by its id.

Revision ID: 0020_stock_ledger_by_rowid
Revises: 0019_sale_lines_by_sale
Create Date: 2026-12-05
"""

from alembic import op

revision = "0020_stock_ledger_by_rowid"
down_revision = "0019_sale_lines_by_sale"
branch_labels = None
depends_on = None

_COLUMNS = "id, sku, qty, kind, reason, ref_id, staff_id, created_at"
_BODY = (
    "id VARCHAR(36) NOT NULL, sku VARCHAR(32) NOT NULL, qty BIGINT NOT NULL, kind VARCHAR(16) NOT NULL, "
    "reason VARCHAR(64), ref_id VARCHAR(36), staff_id VARCHAR(36), created_at DATETIME NOT NULL"
)


def _rebuild(by_rowid: bool) -> None:
    """The ledger in a new table, its rows in the order they were written, then put in the old one's place."""
    if by_rowid:
        op.execute(
            f"CREATE TABLE _stock_new (seq INTEGER NOT NULL, {_BODY}, CONSTRAINT pk_stock_movements PRIMARY KEY (seq))"
        )
    else:
        op.execute(f"CREATE TABLE _stock_new ({_BODY}, CONSTRAINT pk_stock_movements PRIMARY KEY (id))")
    op.execute(f"INSERT INTO _stock_new ({_COLUMNS}) SELECT {_COLUMNS} FROM stock_movements ORDER BY rowid")
    op.execute("DROP TABLE stock_movements")
    op.execute("ALTER TABLE _stock_new RENAME TO stock_movements")
    op.execute("CREATE INDEX ix_stock_movements_sku ON stock_movements (sku)")


def upgrade() -> None:
    _rebuild(by_rowid=True)


def downgrade() -> None:
    _rebuild(by_rowid=False)
