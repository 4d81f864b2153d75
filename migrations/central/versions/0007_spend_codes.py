"""one-time codes members make on their account page to spend points without their QR (issue 15, point 6);
also joins the three heads into one

Revision ID: 0007_spend_codes
Revises: 0004_admin_security, 0004_event_checks, 0006_feed_scope
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_spend_codes"
down_revision = ("0004_admin_security", "0004_event_checks", "0006_feed_scope")
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "member_spend_codes",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.Column("hold_id", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name=op.f("fk_member_spend_codes_member_id_members")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_spend_codes")),
    )
    op.create_index(op.f("ix_member_spend_codes_member_id"), "member_spend_codes", ["member_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_member_spend_codes_member_id"), table_name="member_spend_codes")
    op.drop_table("member_spend_codes")
