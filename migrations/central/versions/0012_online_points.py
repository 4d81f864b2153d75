"""Points for online orders: the member card a shop payment was made with (payments.member_id)

Revision ID: 0012_online_points
Revises: 0011_weighed_goods
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_online_points"
down_revision = "0011_weighed_goods"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("payments") as batch:
        batch.add_column(sa.Column("member_id", sa.String(36), nullable=True))
        batch.create_foreign_key("fk_payments_member_id_members", "members", ["member_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("payments") as batch:
        batch.drop_constraint("fk_payments_member_id_members", type_="foreignkey")
        batch.drop_column("member_id")
