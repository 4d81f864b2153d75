"""Central still takes sale.completed versions 1 to 3 (stores update at different times), but a store that has moved
to version 4 cannot skip the promotion check by sending its discounts in an older version: such a sale is recorded
as always and raises a task for head office, one per discounted line. The older-version sales a store made before
its upgrade (lower store_seqs, even in the same batch) and the sales of a store never upgraded are not flagged
(SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
from checkkit import holdings, pusher
from promokit import V4, promoted_sale, promotion_tasks
from racekit import at_once
from sqlalchemy import create_engine, select, text
from synckit import STORE, central, pg_url, signed_in_admin  # noqa: F401
from test_money_migrations import old_central_url  # noqa: F401

from central.migrate import upgrade as central_upgrade
from central.services import catalog, dead_letters
from central.tables import DeadLetter, Sale, Store

AQUA = "SKU-00001"
OTHER = "SKU-00002"


def _pct(central) -> str:  # noqa: F811
    return str(catalog.save_promotion(central.ctx, name="Hemat Aqua", kind="percent", value=1000, skus=[AQUA])["id"])


def _v3(store_id: str, n: int, off: int = 350, sku: str = AQUA) -> dict:
    return promoted_sale(store_id, n, [(sku, 1, 3_500, off, None), (OTHER, 1, 3_500, 0, None)])


def _v4(store_id: str, n: int, pct: str) -> dict:
    return promoted_sale(store_id, n, [(AQUA, 1, 3_500, 350, pct)])


def _first_v4(central, store_id: str = STORE) -> int | None:  # noqa: F811
    with central.ctx.db.sessions() as s:
        return s.scalar(select(Store.first_v4_sale_seq).where(Store.id == store_id))


def test_an_honest_upgrade_in_one_batch_and_across_batches_raises_nothing(central):  # noqa: F811
    pct = _pct(central)
    p = pusher(central, STORE)
    outbox = [p.event("sale.completed", _v3(STORE, n), version=3) for n in (1, 2)]  # made before the upgrade
    outbox += [p.event("sale.completed", _v4(STORE, n, pct), version=V4) for n in (3, 4)]
    assert [r["outcome"] for r in p.send(outbox)] == ["applied"] * 4
    assert promotion_tasks(central) == [] and _first_v4(central) == 3

    p2 = pusher(central, "TOKO-03")
    p2.applied("sale.completed", _v3("TOKO-03", 1), version=3)
    assert _first_v4(central, "TOKO-03") is None, "a store never upgraded is not flagged"
    p2.applied("sale.completed", _v4("TOKO-03", 2, pct), version=V4)
    p2.applied("sale.completed", _v4("TOKO-03", 3, pct), version=V4)
    assert promotion_tasks(central) == [] and _first_v4(central, "TOKO-03") == 2
    assert central.count(Sale) == 7 and central.count(DeadLetter) == 0


def test_an_older_sale_dead_lettered_before_the_upgrade_and_retried_after_it_is_not_flagged(central):  # noqa: F811
    pct = _pct(central)
    p = pusher(central, STORE)
    poison = p.push("sale.completed", _v3(STORE, 1, sku="SKU-NEW-1"), version=3)  # a product not yet at central
    assert (poison["outcome"], poison["code"]) == ("rejected", "unknown_sku")
    p.applied("sale.completed", _v4(STORE, 2, pct), version=V4)
    catalog.save_product(central.ctx, "SKU-NEW-1", name="Kopi Baru", price=3_500, create=True)
    assert dead_letters.retry(central.ctx, poison["event_id"])["retried"] is True
    assert promotion_tasks(central) == [] and central.count(Sale) == 2, "its store_seq is before the first v4 sale"


def test_a_discounted_older_sale_after_version_4_is_recorded_with_its_stock_and_raises_one_task(central):  # noqa: F811
    pct = _pct(central)
    p = pusher(central, STORE)
    p.applied("sale.completed", _v4(STORE, 1, pct), version=V4)
    before = holdings(central)
    forged = _v3(STORE, 2, off=3_000)  # 10% of Rp 3.500 is Rp 350: sent as version 3, nothing to check it against
    result = p.push("sale.completed", forged, version=3)
    assert result["outcome"] == "applied", "money was taken: the sale is a fact and is recorded"
    after = holdings(central)
    assert after["sales"] == before["sales"] + 1 and central.count(DeadLetter) == 0
    for sku in (AQUA, OTHER):
        assert after["stock"][f"{STORE}/{sku}"] == before["stock"][f"{STORE}/{sku}"] - 1, "its stock is posted"
    [task] = promotion_tasks(central)
    assert (task["why"], task["location"], task["number"], task["line"], task["sku"]) == (
        "old_version",
        STORE,
        f"{STORE}-T1-000002",
        1,
        AQUA,
    )
    assert (task["claimed"], task["version"], task["store_seq"]) == (3_000, 3, 2)
    assert "Rp 3.000" in task["message"] and "version 3" in task["message"]

    indonesian = signed_in_admin(central, "id").get("/admin/").get_data(as_text=True)
    said = f"Struk {STORE}-T1-000002 baris 1 (Produk {AQUA}): diskon Rp 3.000 dikirim dalam format lama"
    assert "Diskon melebihi promonya" in indonesian and said in indonesian
    english = signed_in_admin(central, "en")
    sheet = english.get("/admin/reconciliation.csv").get_data(as_text=True).lstrip("\ufeff")
    [row] = [r for r in csv.DictReader(io.StringIO(sheet)) if r["Kind"] == "Discount beyond its promotion"]
    assert row["What happened"] == (
        f"Sale {STORE}-T1-000002 line 1 (Produk {AQUA}): Rp 3.000 off, sent in an older format after this store had "
        "moved to the new one, so its promotion cannot be checked. Check the sale with the store."
    )


def test_in_one_batch_only_the_older_sales_after_the_first_version_4_one_are_flagged(central):  # noqa: F811
    pct = _pct(central)
    p = pusher(central, STORE)
    batch = [
        p.event("sale.completed", _v3(STORE, 1), version=3),
        p.event("sale.completed", _v4(STORE, 2, pct), version=V4),
        p.event("sale.completed", _v3(STORE, 3), version=3),  # forged
        p.event("sale.completed", _v3(STORE, 4, off=0), version=3),  # no discount: nothing a promotion explains
    ]
    assert [r["outcome"] for r in p.send(batch)] == ["applied"] * 4
    assert [(t["number"], t["why"]) for t in promotion_tasks(central)] == [(f"{STORE}-T1-000003", "old_version")]


def test_an_undiscounted_older_sale_after_version_4_raises_nothing(central):  # noqa: F811
    pct = _pct(central)
    p = pusher(central, STORE)
    p.applied("sale.completed", _v4(STORE, 1, pct), version=V4)
    p.applied("sale.completed", _v3(STORE, 2, off=0), version=3)
    p.applied("sale.completed", _v3(STORE, 3, off=0), version=2)
    assert promotion_tasks(central) == [] and central.count(Sale) == 3


def test_a_repeated_push_of_the_older_sale_raises_its_task_once(central):  # noqa: F811
    pct = _pct(central)
    p = pusher(central, STORE)
    p.applied("sale.completed", _v4(STORE, 1, pct), version=V4)
    forged = p.event("sale.completed", _v3(STORE, 2, off=1_000), version=3)
    assert [r["outcome"] for r in p.send([forged])] == ["applied"]
    again = p.send([forged])[0]
    assert again.get("first_outcome", again["outcome"]) == "applied"
    assert len(promotion_tasks(central)) == 1 and central.count(Sale) == 2


@pytest.mark.parametrize("central", ["postgresql"], indirect=True)
def test_stores_pushing_their_upgrade_and_forged_older_sales_at_once_agree(central):  # noqa: F811
    pct = _pct(central)
    stores = [pusher(central, STORE)] + [pusher(central, f"TOKO-{n:02d}") for n in range(2, 7)]
    batches = [
        [
            p.event("sale.completed", _v3(p.store_id, 1), version=3),  # before its upgrade
            p.event("sale.completed", _v4(p.store_id, 2, pct), version=V4),
            p.event("sale.completed", _v3(p.store_id, 3, off=2_000), version=3),  # forged
            p.event("sale.completed", _v4(p.store_id, 4, pct), version=V4),
        ]
        for p in stores
    ]
    # each store's batch and its first three events sent at once (a retry racing a longer send), all stores together
    calls = [(lambda p=p, b=b: p.send(b)) for p, b in zip(stores, batches, strict=True)]
    calls += [(lambda p=p, b=b: p.send(b[:3])) for p, b in zip(stores, batches, strict=True)]
    for answer in at_once(*calls):
        assert {r.get("first_outcome", r["outcome"]) for r in answer} == {"applied"}, answer
    assert central.count(Sale) == 24 and central.count(DeadLetter) == 0
    assert sorted((t["location"], t["number"], t["line"], t["why"]) for t in promotion_tasks(central)) == sorted(
        (p.store_id, f"{p.store_id}-T1-000003", 1, "old_version") for p in stores
    ), "one task per forged line, whichever request applied the sale"
    assert {p.store_id: _first_v4(central, p.store_id) for p in stores} == {p.store_id: 2 for p in stores}


def applied_sales(url: str, events: list[tuple[str, int, int, str]]) -> None:
    """Stores TOKO-01 and TOKO-02, and these sale.completed events (store, store_seq, version, outcome) applied."""
    engine = create_engine(url)
    at = datetime(2026, 12, 6)
    with engine.begin() as conn:
        for store in ("TOKO-01", "TOKO-02"):
            conn.execute(
                text(
                    "INSERT INTO stores (id, name, token_hash, active, last_seq, created_at) "
                    "VALUES (:id, :id, :id, true, 4, :at)"
                ),
                {"id": store, "at": at},
            )
        for store, seq, version, outcome in events:
            conn.execute(
                text(
                    "INSERT INTO applied_events (event_id, store_id, store_seq, device_id, type, schema_version, "
                    "payload_hash, outcome, applied_at) "
                    "VALUES (:e, :s, :q, 'T1', 'sale.completed', :v, 'x', :o, :at)"
                ),
                {"e": f"{store}-{seq}", "s": store, "q": seq, "v": version, "o": outcome, "at": at},
            )
    engine.dispose()


def firsts_after_upgrade(url: str, column: str) -> dict[str, int | None]:
    """Each store's `column` once the database is upgraded to the head."""
    central_upgrade(url, "heads")
    engine = create_engine(url)
    with engine.connect() as conn:
        firsts = dict(conn.execute(text(f"SELECT id, {column} FROM stores")).all())  # noqa: S608
    engine.dispose()
    return firsts


def test_the_upgrade_to_0019_remembers_the_first_version_4_sale_each_store_already_sent(old_central_url):  # noqa: F811
    central_upgrade(old_central_url, "0018_promotion_terms")
    events = [("TOKO-01", 1, 3, "applied"), ("TOKO-01", 2, 4, "rejected"), ("TOKO-01", 3, 4, "applied")]
    applied_sales(old_central_url, [*events, ("TOKO-01", 4, 4, "applied"), ("TOKO-02", 1, 3, "applied")])
    firsts = firsts_after_upgrade(old_central_url, "first_v4_sale_seq")
    assert firsts == {"TOKO-01": 3, "TOKO-02": None}, "the first version 4 sale applied; a dead-lettered one is not"
