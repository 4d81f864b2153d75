"""promotion_terms: every set of terms each promotion has had (a store offline for days may price with terms central
has since changed; its promotion discounts are checked against the most generous), filled from the promotions as
they stand; reconciliation_items.detail: the figures a task's sentence needs (JSON)

Revision ID: 0018_promotion_terms
Revises: 0017_promotion_set_qty
Create Date: 2026-12-06
"""

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0018_promotion_terms"
down_revision = "0017_promotion_set_qty"
branch_labels = None
depends_on = None


def _key(kind: str, value: int, set_qty: int | None, skus: str) -> str:
    """central.services.promotion_terms.terms_key, as it was when this migration was written."""
    return hashlib.sha256(f"{kind}|{value}|{set_qty if set_qty is not None else ''}|{skus}".encode()).hexdigest()


def upgrade() -> None:
    op.create_table(
        "promotion_terms",
        sa.Column("promotion_id", sa.String(36), nullable=False),
        sa.Column("terms_key", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.Column("set_qty", sa.Integer(), nullable=True),
        sa.Column("skus", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("promotion_id", "terms_key", name="pk_promotion_terms"),
    )
    with op.batch_alter_table("reconciliation_items") as t:
        t.add_column(sa.Column("detail", sa.Text(), nullable=True))
    promotions = (
        op.get_bind().execute(sa.text("SELECT id, kind, value, set_qty, skus, updated_at FROM promotions")).all()
    )
    rows = [
        {
            "promotion_id": p.id,
            "terms_key": _key(p.kind, int(p.value), p.set_qty, p.skus or "[]"),
            "kind": p.kind,
            "value": int(p.value),
            "set_qty": p.set_qty,
            "skus": p.skus or "[]",
            "recorded_at": p.updated_at,
        }
        for p in promotions
    ]
    if rows:  # as text: the time goes back as the driver read it (SQLite keeps it as text)
        op.get_bind().execute(
            sa.text(
                "INSERT INTO promotion_terms (promotion_id, terms_key, kind, value, set_qty, skus, recorded_at) "
                "VALUES (:promotion_id, :terms_key, :kind, :value, :set_qty, :skus, :recorded_at)"
            ),
            rows,
        )


def downgrade() -> None:
    with op.batch_alter_table("reconciliation_items") as t:
        t.drop_column("detail")
    op.drop_table("promotion_terms")
