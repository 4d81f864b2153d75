"""member balances only to the stores a member shopped or signed up at: member_stores, and member feed rows per store

Revision ID: 0007_member_scope
Revises: 0006_feed_scope, 0004_event_checks, 0004_admin_security (one head again)
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_member_scope"
# It reads sales.member_id (0004_event_checks): it merges the heads, so that runs first.
down_revision = ("0006_feed_scope", "0004_event_checks", "0004_admin_security")
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "member_stores",
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("store_id", sa.String(length=32), nullable=False),
        sa.Column("linked_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name=op.f("fk_member_stores_member_id_members")),
        sa.PrimaryKeyConstraint("member_id", "store_id", name=op.f("pk_member_stores")),
    )
    # Links from what central already holds: member sales, points entries made at a store, sign-ups at a store.
    op.execute(
        "INSERT INTO member_stores (member_id, store_id, linked_at) "
        "SELECT member_id, store_id, MIN(at) FROM ("
        "  SELECT member_id, store_id, recorded_at AS at FROM sales WHERE member_id IS NOT NULL"
        "  UNION ALL SELECT member_id, store_id, created_at FROM points_entries WHERE store_id IS NOT NULL"
        "  UNION ALL SELECT id, signed_up_at, created_at FROM members"
        ") linked WHERE store_id IN (SELECT id FROM stores) AND member_id IN (SELECT id FROM members) "
        "GROUP BY member_id, store_id"
    )
    # A member's feed row was one for the whole chain: now one per linked store, pending for the sequencer.
    op.execute(
        "INSERT INTO changes (topic, key, seq, skip_store, only_store, scope, data, changed_at) "
        "SELECT 'member', ms.store_id || ':' || c.key, NULL, NULL, ms.store_id, ms.store_id, c.data, c.changed_at "
        "FROM changes c JOIN member_stores ms ON ms.member_id = c.key WHERE c.topic = 'member' AND c.scope IS NULL"
    )
    op.execute("DELETE FROM changes WHERE topic = 'member' AND scope IS NULL")


def downgrade() -> None:
    # Back to one row per member for every store (the newest of its per-store rows).
    op.execute(
        "INSERT INTO changes (topic, key, seq, skip_store, only_store, scope, data, changed_at) "
        "SELECT 'member', ms.member_id, NULL, NULL, NULL, NULL, MAX(c.data), MAX(c.changed_at) "
        "FROM changes c JOIN member_stores ms ON c.key = ms.store_id || ':' || ms.member_id "
        "WHERE c.topic = 'member' GROUP BY ms.member_id"
    )
    op.execute("DELETE FROM changes WHERE topic = 'member' AND scope IS NOT NULL")
    op.drop_table("member_stores")
