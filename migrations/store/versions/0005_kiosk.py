"""kiosk carts sent to a till

Revision ID: 0005_kiosk
Revises: 0001
Create Date: 2026-11-23 12:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_kiosk"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kiosk_carts",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("device_id", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("lines", sa.Text(), nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("taken_at", sa.DateTime(), nullable=True),
        sa.Column("taken_till", sa.String(length=16), nullable=True),
        sa.Column("taken_staff", sa.String(length=36), nullable=True),
        sa.Column("sale_id", sa.String(length=36), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kiosk_carts")),
        sa.UniqueConstraint("day", "seq", name="uq_kiosk_carts_day_seq"),
    )
    with op.batch_alter_table("kiosk_carts", schema=None) as batch_op:
        batch_op.create_index("ix_kiosk_carts_code_state", ["code", "state"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("kiosk_carts", schema=None) as batch_op:
        batch_op.drop_index("ix_kiosk_carts_code_state")
    op.drop_table("kiosk_carts")
