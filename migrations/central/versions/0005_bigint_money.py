"""64-bit money, quantities and points: a sale the till accepts (up to Rp 999.999.999.999) fits at central

Revision ID: 0005_bigint_money
Revises: 0004_feed_sequencer
Create Date: 2026-11-26
"""

import sqlalchemy as sa

from pos.adapters.migrate import retype_columns

revision = "0005_bigint_money"
down_revision = "0004_feed_sequencer"
branch_labels = None
depends_on = None

# Every column that holds Rupiah, a quantity or points, as of this revision (a frozen list, not the models).
COLUMNS: dict[str, tuple[str, ...]] = {
    "sales": ("subtotal", "discount", "tax", "rounding", "total", "paid", "change"),
    "sale_lines": ("qty", "unit_price", "line_discount", "sale_discount", "net"),
    "tenders": ("amount",),
    "refunds": ("amount",),
    "refund_lines": ("qty", "amount"),
    "shifts": ("opening_float", "expected_cash", "counted_cash", "variance"),
    "products": ("price",),
    "promotions": ("value",),
    "stock_entries": ("qty",),
    "stock_levels": ("on_hand",),
    "reconciliation_items": ("on_hand",),
    "members": ("balance", "held"),
    "points_entries": ("points",),
    "points_holds": ("points",),
    "offline_allowances": ("points", "used"),
    "online_cart_lines": ("qty", "price_added"),
    "cart_orders": ("total",),
    "cart_reservations": ("qty",),
}


def upgrade() -> None:
    retype_columns(COLUMNS, sa.BigInteger, sa.Integer)


def downgrade() -> None:
    # Refused by PostgreSQL (integer out of range) if a row already holds a figure past 2^31: nothing is cut short.
    retype_columns(COLUMNS, sa.Integer, sa.BigInteger)
