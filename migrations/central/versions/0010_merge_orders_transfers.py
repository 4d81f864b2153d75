"""One head again after the online orders, stock transfers, till QRIS and sale time zone branches (no schema change).

Revision ID: 0010_merge_orders_transfers
Revises: 0009_fulfil_orders, 0009_ops19_sale_timezone, 0009_tillqris, 0009_transfers
"""

from __future__ import annotations

revision = "0010_merge_orders_transfers"
down_revision = ("0009_fulfil_orders", "0009_ops19_sale_timezone", "0009_tillqris", "0009_transfers")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
