"""One head again after the online orders, stock transfers, till QRIS and clock skew branches (no schema change).

Revision ID: 0013_merge_orders_transfers
Revises: 0012_fulfil_orders, 0012_ops19_clock_skew, 0012_tillqris, 0012_transfers
"""

from __future__ import annotations

revision = "0013_merge_orders_transfers"
down_revision = ("0012_fulfil_orders", "0012_ops19_clock_skew", "0012_tillqris", "0012_transfers")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
