"""Upgrading a database from before 64-bit money keeps every row, and leaves no 32-bit money, quantity or points.

Central on SQLite and on PostgreSQL (where INTEGER is 32-bit: information_schema must say bigint), the store on
SQLite (its only backend; INTEGER is already 64-bit there, the declared type follows the models).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text
from synckit import CATALOG, STORE, central_config, make_event, pg_schema

from central.db import central_database
from central.migrate import alembic_config as central_alembic
from central.migrate import upgrade as central_upgrade
from central.services import catalog, demo, push, stores
from central.services import loyalty as central_loyalty
from central.services.context import CentralContext
from central.tables import CentralBase
from common.db import Database
from common.limits import MAX_AMOUNT
from pos import bootstrap
from pos.adapters.migrate import alembic_config as store_alembic
from pos.adapters.migrate import upgrade as store_upgrade
from pos.adapters.tables import Base
from pos.services import auth, checkout, setup, shifts, till_sale

CENTRAL_REVISION, STORE_REVISION = "0005_bigint_money", "0011_bigint_money"
CENTRAL_TABLES = (
    "products",
    "stock_levels",
    "stock_entries",
    "sales",
    "sale_lines",
    "tenders",
    "members",
    "points_entries",
    "applied_events",
)
STORE_TABLES = ("products", "shifts", "sales", "sale_lines", "tenders", "stock_movements", "outbox", "counters")
# The 32-bit columns left at central, each a counter, a sequence, a version or a rate: none holds an amount.
# (The feed's and the stores' sequence counters are 64-bit too, since 0004_feed_sequencer.)
NOT_MONEY = {
    ("applied_events", "schema_version"),
    ("central_meta", "id"),
    ("dead_letters", "schema_version"),
    ("members", "version"),
    ("member_spend_codes", "tries"),  # wrong one-time codes typed for a member (at most a handful)
    ("promotions", "set_qty"),  # a multi-buy's set size (Beli 2 Gratis 1 is 3), at most 1000
    ("promotion_terms", "set_qty"),  # the same, in each set of terms a promotion has had
    ("payments", "rank"),  # the order of a gateway status (pending < settlement < refund), a handful of values
    ("online_cart_lines", "position"),
    ("online_carts", "fence"),
    ("online_orders", "version"),  # steps an order went through at central (a handful)
    ("reconciliation_items", "occurrences"),
    ("sign_in_throttle", "failures"),
    ("tax_groups", "rate_bp"),
    ("till_charges", "rank"),  # a till QRIS charge's gateway status order, as payments.rank
}


def previous_heads(cfg: Any, revision: str) -> tuple[str, ...]:
    """Every head but `revision`, and what `revision` upgrades from: the schema of the release before it."""
    scripts = ScriptDirectory.from_config(cfg)
    down = scripts.get_revision(revision).down_revision
    others = tuple(h for h in scripts.get_heads() if h != revision)
    return (tuple(down) if isinstance(down, (tuple, list)) else (down,)) + others


def rows(engine: Engine, tables: tuple[str, ...]) -> dict[str, list[tuple[Any, ...]]]:
    with engine.connect() as conn:
        return {t: sorted(map(tuple, conn.execute(text(f'SELECT * FROM "{t}"'))), key=repr) for t in tables}


@pytest.fixture(params=["sqlite", "postgresql"])
def old_central_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty central database of its own, not migrated yet."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'central.db'}"
        return
    with pg_schema("omnitoko_mig") as url:
        yield url


def test_central_upgraded_from_before_bigint_keeps_its_rows_and_takes_billions(old_central_url):
    for head in previous_heads(central_alembic(old_central_url), CENTRAL_REVISION):
        central_upgrade(old_central_url, head)
    ctx = CentralContext(db=central_database(old_central_url), config=central_config(old_central_url))
    demo.load(ctx, products_limit=CATALOG)
    stores.add_store(ctx, STORE, "Omnitoko Kemang")
    member = central_loyalty.sign_up(ctx, "Siti Rahayu", "081299990000")
    central_loyalty.adjust(ctx, member["id"], 1500, "opening balance")
    assert push.push(ctx, STORE, "T1", [make_event(1)])["results"][0]["outcome"] == "applied"
    before = rows(ctx.db.engine, CENTRAL_TABLES)
    assert all(before[t] for t in CENTRAL_TABLES), "every table compared has rows"
    ctx.db.dispose()

    central_upgrade(old_central_url)

    ctx = CentralContext(db=central_database(old_central_url), config=central_config(old_central_url))
    try:
        assert rows(ctx.db.engine, CENTRAL_TABLES) == before
        with ctx.db.engine.connect() as conn:
            migrated = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(migrated, CentralBase.metadata) == []  # models and migrations agree
            if conn.dialect.name == "postgresql":
                int32 = set(
                    conn.execute(
                        text(
                            "SELECT table_name, column_name FROM information_schema.columns "
                            "WHERE table_schema = current_schema() AND data_type = 'integer'"
                        )
                    ).all()
                )
                assert int32 == NOT_MONEY
        # What PostgreSQL refused before ("integer out of range") now fits: the largest price there is.
        assert catalog.set_price(ctx, "SKU-00001", MAX_AMOUNT)["price"] == MAX_AMOUNT
        central_loyalty.adjust(ctx, member["id"], 3 * 10**9, "a chain-wide gift")
        assert central_loyalty.lookup(ctx, member_id=member["id"])["balance"] == 3 * 10**9 + 1500
    finally:
        ctx.db.dispose()


def test_the_store_upgraded_from_before_bigint_keeps_its_sales_and_declares_bigint(config):
    cfg = config  # tests/conftest.py's (importing its make_config by name can find tests/e2e/conftest.py instead)
    url = cfg.database.url
    for head in previous_heads(store_alembic(url), STORE_REVISION):
        store_upgrade(url, head)
    ctx = bootstrap.store_context(cfg, Database(url), steps=())
    setup.load_demo_data(ctx)
    actor = auth.sign_in(ctx, "1001", "1234", "T1")[1]
    shifts.open_shift(ctx, actor, 200_000)
    view, _ = till_sale.create_sale(ctx, actor)
    view = till_sale.add_line(ctx, actor, view["id"], barcode="8990000100010", qty=3)
    view = till_sale.add_tender(ctx, actor, view["id"], "cash", 20_000, None)
    checkout.complete(ctx, actor, view["id"])
    before = rows(ctx.db.engine, STORE_TABLES)
    ctx.db.dispose()

    store_upgrade(url)  # sales and shifts have rows that refer to them: SQLite rebuilds them all the same

    db = Database(url)
    try:
        assert rows(db.engine, STORE_TABLES) == before
        with db.engine.connect() as conn:
            migrated = MigrationContext.configure(conn, opts={"compare_type": True})
            # Column types only: the store's migrations also keep an outbox index the models do not declare.
            diffs = [d for d in compare_metadata(migrated, Base.metadata) if isinstance(d, list)]
            assert [d for group in diffs for d in group if d[0] == "modify_type"] == []
            declared = {r[1]: r[2] for r in conn.execute(text("PRAGMA table_info(sales)"))}
            assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
        assert {declared[c] for c in ("subtotal", "total", "paid", "change")} == {"BIGINT"}
    finally:
        db.dispose()
