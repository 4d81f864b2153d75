"""loyalty: members (balance copy), the member on a sale, local points entries, redemptions, allowances

Revision ID: 0006_loyalty
Revises: 0001
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_loyalty"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "loyalty_members",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("blocked", sa.Boolean(), nullable=False),
        sa.Column("balance", sa.Integer(), nullable=False),
        sa.Column("held", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("card", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loyalty_members")),
    )
    with op.batch_alter_table("loyalty_members", schema=None) as b:
        b.create_index(b.f("ix_loyalty_members_number"), ["number"], unique=False)
        b.create_index(b.f("ix_loyalty_members_phone"), ["phone"], unique=False)
    op.create_table(
        "loyalty_settings",
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_loyalty_settings")),
    )
    op.create_table(
        "sale_members",
        sa.Column("sale_id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("via", sa.String(length=8), nullable=False),
        sa.Column("attached_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["sale_id"], ["sales.id"], name=op.f("fk_sale_members_sale_id_sales")),
        sa.PrimaryKeyConstraint("sale_id", name=op.f("pk_sale_members")),
    )
    with op.batch_alter_table("sale_members", schema=None) as b:
        b.create_index(b.f("ix_sale_members_member_id"), ["member_id"], unique=False)
    op.create_table(
        "loyalty_entries",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("sale_id", sa.String(length=36), nullable=True),
        sa.Column("refund_id", sa.String(length=36), nullable=True),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loyalty_entries")),
    )
    with op.batch_alter_table("loyalty_entries", schema=None) as b:
        b.create_index(b.f("ix_loyalty_entries_member_id"), ["member_id"], unique=False)
        b.create_index(b.f("ix_loyalty_entries_sale_id"), ["sale_id"], unique=False)
        b.create_index(b.f("ix_loyalty_entries_event_id"), ["event_id"], unique=False)
    op.create_table(
        "loyalty_redemptions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("sale_id", sa.String(length=36), nullable=False),
        sa.Column("tender_id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.Column("hold_id", sa.String(length=36), nullable=True),
        sa.Column("allowance_id", sa.String(length=36), nullable=True),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["sale_id"], ["sales.id"], name=op.f("fk_loyalty_redemptions_sale_id_sales")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loyalty_redemptions")),
    )
    with op.batch_alter_table("loyalty_redemptions", schema=None) as b:
        b.create_index(b.f("ix_loyalty_redemptions_sale_id"), ["sale_id"], unique=False)
        b.create_index(b.f("ix_loyalty_redemptions_tender_id"), ["tender_id"], unique=False)
    op.create_table(
        "loyalty_allowances",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("used", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loyalty_allowances")),
        sa.UniqueConstraint("member_id", name=op.f("uq_loyalty_allowances_member_id")),
    )


def downgrade() -> None:
    for table in (
        "loyalty_allowances",
        "loyalty_redemptions",
        "loyalty_entries",
        "sale_members",
        "loyalty_settings",
        "loyalty_members",
    ):
        op.drop_table(table)
