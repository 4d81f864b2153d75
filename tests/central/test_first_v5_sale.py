"""Central remembers each store's first sale.completed version 5 (the one that names who approved the cashier's
discounts) on the store's row, as it does the first version 4: an older-version sale beyond the limit sent after it
is flagged as unchecked, one made before it is not, whichever of a store's racing requests applied them; and a
central upgraded to 0023 remembers the first version 5 sale each store had already sent (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from checkkit import pusher
from promokit import V4
from racekit import at_once
from sqlalchemy import select
from synckit import STORE, central, pg_url  # noqa: F401
from test_manual_discount_checks import V5, _sale, discount_tasks
from test_money_migrations import old_central_url  # noqa: F401
from test_old_version_sales import applied_sales, firsts_after_upgrade

from central.migrate import upgrade as central_upgrade
from central.tables import DeadLetter, Sale, Store

AQUA = "SKU-00001"
FORGED = [(AQUA, 2, 3_500, 3_500, None)]  # half of the sale off: beyond the chain's 10%


def _first_v5(central, store_id: str = STORE) -> int | None:  # noqa: F811
    with central.ctx.db.sessions() as s:
        return s.scalar(select(Store.first_v5_sale_seq).where(Store.id == store_id))


def test_the_first_version_5_sale_is_kept_and_an_older_sale_after_it_is_flagged(central):  # noqa: F811
    p = pusher(central, STORE)
    before = p.event("sale.completed", _sale(STORE, 1, FORGED), version=V4)  # made before the upgrade
    first = p.event("sale.completed", _sale(STORE, 2, [(AQUA, 1, 3_500, 0, None)]), version=V5)
    p.send([before, first])
    assert _first_v5(central) == 2 and discount_tasks(central) == []
    p.applied("sale.completed", _sale(STORE, 3, FORGED), version=V4)
    assert [(t["number"], t["why"]) for t in discount_tasks(central)] == [(f"{STORE}-T1-000003", "old_version")]
    assert _first_v5(central) == 2, "a later version 5 sale does not move it"
    assert _first_v5(central, "TOKO-02") is None


@pytest.mark.parametrize("central", ["postgresql"], indirect=True)
def test_six_stores_racing_their_upgrade_and_forged_older_sales_agree_on_each_first_version_5_sale(central):  # noqa: F811
    stores = [pusher(central, STORE)] + [pusher(central, f"TOKO-{n:02d}") for n in range(2, 7)]
    batches = [
        [
            p.event("sale.completed", _sale(p.store_id, 1, FORGED), version=V4),  # before its upgrade
            p.event("sale.completed", _sale(p.store_id, 2, [(AQUA, 1, 3_500, 0, None)]), version=V5),
            p.event("sale.completed", _sale(p.store_id, 3, FORGED), version=V4),  # forged after it
            p.event("sale.completed", _sale(p.store_id, 4, [(AQUA, 1, 3_500, 0, None)]), version=V5),
        ]
        for p in stores
    ]
    # each store's batch and its first three events sent at once (a retry racing a longer send), all stores together
    calls = [(lambda p=p, b=b: p.send(b)) for p, b in zip(stores, batches, strict=True)]
    calls += [(lambda p=p, b=b: p.send(b[:3])) for p, b in zip(stores, batches, strict=True)]
    for answer in at_once(*calls):
        assert {r.get("first_outcome", r["outcome"]) for r in answer} == {"applied"}, answer
    assert central.count(Sale) == 24 and central.count(DeadLetter) == 0
    assert {p.store_id: _first_v5(central, p.store_id) for p in stores} == {p.store_id: 2 for p in stores}
    assert sorted((t["location"], t["number"], t["why"]) for t in discount_tasks(central)) == sorted(
        (p.store_id, f"{p.store_id}-T1-000003", "old_version") for p in stores
    ), "one task per forged sale, whichever request applied it"


def test_the_upgrade_to_0023_remembers_the_first_version_5_sale_each_store_already_sent(old_central_url):  # noqa: F811
    central_upgrade(old_central_url, "0022_promotion_mixed")
    events = [("TOKO-01", 1, 4, "applied"), ("TOKO-01", 2, 5, "rejected"), ("TOKO-01", 3, 5, "applied")]
    applied_sales(old_central_url, [*events, ("TOKO-01", 4, 5, "applied"), ("TOKO-02", 1, 4, "applied")])
    firsts = firsts_after_upgrade(old_central_url, "first_v5_sale_seq")
    assert firsts == {"TOKO-01": 3, "TOKO-02": None}, "the first version 5 sale applied; a dead-lettered one is not"
