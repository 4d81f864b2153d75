"""A central upgraded past 0018 keeps each promotion's terms as they stood, so a store's sale priced with them before
the upgrade passes the promotion check; a save with the same terms keeps one row, a change adds one (SQLite and
PostgreSQL)."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import create_engine, select, text
from synckit import central_config
from test_money_migrations import old_central_url  # noqa: F401

from central.db import central_database
from central.migrate import upgrade as central_upgrade
from central.services import catalog
from central.services.context import CentralContext
from central.services.promotion_checks import terms_key
from central.tables import PromotionTerms


def test_the_promotions_terms_before_the_upgrade_are_kept_and_a_change_adds_its_own(old_central_url):  # noqa: F811
    url = old_central_url
    central_upgrade(url, "0017_promotion_set_qty")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO promotions (id, name, kind, value, set_qty, skus, active, updated_at) "
                "VALUES ('p1', 'Berdua', 'bundle', 6000, 2, :skus, true, :at)"
            ),
            {"skus": json.dumps(["SKU-00001"]), "at": datetime(2026, 12, 1)},
        )
    engine.dispose()
    central_upgrade(url, "heads")
    ctx = CentralContext(db=central_database(url), config=central_config(url))
    try:

        def kept() -> list[tuple[str, int, int | None, str]]:
            with ctx.db.sessions() as s:
                t = PromotionTerms
                return sorted(tuple(r) for r in s.execute(select(t.kind, t.value, t.set_qty, t.terms_key)))

        skus = json.dumps(["SKU-00001"])
        assert kept() == [("bundle", 6000, 2, terms_key("bundle", 6000, 2, skus))]
        with ctx.db.unit_of_work() as s:  # the product the promotion lists, for its save
            s.execute(text("INSERT INTO tax_groups (code, name, rate_bp) VALUES ('PPN', 'PPN', 1100)"))
            s.execute(
                text(
                    "INSERT INTO products (id, sku, name, price, tax_group, unit, active, measure, updated_at) "
                    "VALUES ('x1', 'SKU-00001', 'Aqua', 3500, 'PPN', 'pcs', true, 'unit', :at)"
                ),
                {"at": datetime(2026, 12, 1)},
            )
        args = {"name": "Berdua", "kind": "bundle", "skus": ["SKU-00001"], "promotion_id": "p1", "set_qty": 2}
        catalog.save_promotion(ctx, value=6000, **args)
        assert len(kept()) == 1, "the same terms saved again"
        catalog.save_promotion(ctx, value=6500, **args)
        assert [v for _, v, _, _ in kept()] == [6000, 6500]
    finally:
        ctx.db.dispose()
