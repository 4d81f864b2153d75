"""64-bit money, quantities and points in the store database, as at central (declared BIGINT on SQLite too)

Revision ID: 0011_bigint_money
Revises: 0003_sync, 0004_manager, 0005_kiosk, 0006_loyalty, 0007_online_carts, 0008_sale_rules,
         0009_printer_lease, 0010_refund_rounding
Create Date: 2026-11-26
"""

import sqlalchemy as sa

from pos.adapters.migrate import retype_columns

revision = "0011_bigint_money"
down_revision = (
    "0003_sync",
    "0004_manager",
    "0005_kiosk",
    "0006_loyalty",
    "0007_online_carts",
    "0008_sale_rules",
    "0009_printer_lease",
    "0010_refund_rounding",
)
branch_labels = None
depends_on = None

# Every column that holds Rupiah, a quantity or points, as of this revision (a frozen list, not the models).
COLUMNS: dict[str, tuple[str, ...]] = {
    "products": ("price",),
    "shifts": ("opening_float", "expected_cash", "counted_cash"),
    "sales": ("discount_value", "subtotal", "discount_total", "tax_total", "rounding", "total", "paid", "change"),
    "sale_lines": ("unit_price", "qty", "discount_value", "line_discount", "sale_discount", "net", "refunded_qty"),
    "tenders": ("amount",),
    "refunds": ("amount", "rounding", "tax_total"),
    "refund_lines": ("qty", "amount"),
    "stock_movements": ("qty",),
    "promotions": ("value",),
    "stock_count_lines": ("counted", "on_hand_at_count"),
    "low_stock_thresholds": ("min_qty",),
    "remote_stock": ("qty",),
    "kiosk_carts": ("items", "total"),
    "loyalty_members": ("balance", "held"),
    "loyalty_entries": ("points",),
    "loyalty_redemptions": ("points", "value"),
    "loyalty_allowances": ("points", "used"),
    "online_carts": ("total",),
}


def upgrade() -> None:
    retype_columns(COLUMNS, sa.BigInteger, sa.Integer)


def downgrade() -> None:
    retype_columns(COLUMNS, sa.Integer, sa.BigInteger)
