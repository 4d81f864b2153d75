"""loyalty: members, points ledger, holds, offline allowances

Revision ID: 0002_loyalty
Revises: 0001
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_loyalty"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "members",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("email", sa.String(length=120), nullable=True),
        sa.Column("blocked", sa.Boolean(), nullable=False),
        sa.Column("balance", sa.Integer(), nullable=False),
        sa.Column("held", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("signed_up_at", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_members")),
        sa.UniqueConstraint("number", name=op.f("uq_members_number")),
        sa.UniqueConstraint("phone", name=op.f("uq_members_phone")),
    )
    op.create_table(
        "points_entries",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.String(length=32), nullable=True),
        sa.Column("ref_id", sa.String(length=48), nullable=True),
        sa.Column("event_id", sa.String(length=36), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name=op.f("fk_points_entries_member_id_members")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_points_entries")),
    )
    with op.batch_alter_table("points_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_points_entries_member_id"), ["member_id"], unique=False)
    op.create_table(
        "points_holds",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("store_id", sa.String(length=32), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("sale_id", sa.String(length=36), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name=op.f("fk_points_holds_member_id_members")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_points_holds")),
    )
    with op.batch_alter_table("points_holds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_points_holds_member_id"), ["member_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_points_holds_store_id"), ["store_id"], unique=False)
    op.create_table(
        "offline_allowances",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("store_id", sa.String(length=32), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("used", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("granted_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name=op.f("fk_offline_allowances_member_id_members")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offline_allowances")),
        sa.UniqueConstraint("member_id", "store_id", name=op.f("uq_offline_allowances_member_id")),
    )
    with op.batch_alter_table("offline_allowances", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_offline_allowances_store_id"), ["store_id"], unique=False)


def downgrade() -> None:
    op.drop_table("offline_allowances")
    op.drop_table("points_holds")
    op.drop_table("points_entries")
    op.drop_table("members")
