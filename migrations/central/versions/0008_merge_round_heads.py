"""One head again after the member scope, payments, spend codes and store health branches (no schema change).

Revision ID: 0008_merge_round_heads
Revises: 0007_member_scope, 0007_payments, 0007_spend_codes, 0007_store_health
"""

from __future__ import annotations

revision = "0008_merge_round_heads"
down_revision = ("0007_member_scope", "0007_payments", "0007_spend_codes", "0007_store_health")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
