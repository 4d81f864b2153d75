"""An online cart at the store: opened at the kiosk or till (claimed at central), priced here, paid at the till and
checked out once; offline from the synced copy, reconciled when the store syncs, a conflict when paid elsewhere."""

from __future__ import annotations

import pytest
from cartkit import AQUA_330, AQUA_600, StoreCalls, new_cart, use_clock
from sqlalchemy import select
from synckit import agents, central, connect_store, pg_url, sync_until_clean  # noqa: F401

from central.services import cart_checkout, catalog
from central.tables import CartOrder, CartReservation, OnlineCart
from central.tables import ReconciliationItem as CentralTask
from common.errors import DomainError
from pos import bootstrap
from pos.adapters.tables import OnlineCartCopy, OutboxEvent, ReconciliationItem
from pos.services import checkout, kiosk_cart_sales, online_carts, till_sale

DEAD = "http://127.0.0.1:9"  # nothing listens there: the store is offline


@pytest.fixture
def shop(store, central):  # type: ignore[no-untyped-def]
    """The store connected to central, with the online-cart checkout hook a store server installs."""
    connect_store(store, central)
    bootstrap.enable(store, "online_cart")
    return store


def pay(store, actor, sale_id: str) -> dict:  # type: ignore[no-untyped-def]
    view = till_sale.add_tender(store, actor, sale_id, "cash", sales_total(store, sale_id), None)
    return checkout.complete(store, actor, view["id"])


def sales_total(store, sale_id: str) -> int:  # type: ignore[no-untyped-def]
    from pos.services.sale_views import get_sale

    return int(get_sale(store, sale_id)["total"])


def outbox(store, type_: str = "cart.checked_out") -> list[OutboxEvent]:  # type: ignore[no-untyped-def]
    with store.db.sessions() as s:
        return list(s.scalars(select(OutboxEvent).where(OutboxEvent.type == type_)))


def order_of(central, cart_id: str):  # type: ignore[no-untyped-def]
    rows = central.rows(CartOrder.__table__.select().where(CartOrder.cart_id == cart_id))
    assert len(rows) <= 1
    return rows[0] if rows else None


def test_a_cart_opened_at_the_kiosk_is_sent_to_the_till_paid_and_checked_out_once(shop, open_till, central, agents):
    catalog.save_product(central.ctx, "WEB-ONLY", name="Hampers Lebaran", price=150_000, create=True)
    cart = new_cart(central.ctx, [(AQUA_330, 30), (AQUA_600, 1), ("WEB-ONLY", 1)], pickup="TOKO-01")
    catalog.set_price(central.ctx, AQUA_600, 5_000)  # central's price moved; this store has not pulled it yet

    opened = online_carts.open_cart(shop, cart["code"])
    assert opened["confirmed"] is True and opened["reserved_here"] is True
    assert opened["price_changes"] == [
        {"sku": AQUA_600, "name": "Air Mineral Aqua 600ml", "qty": 1, "was": 5_000, "now": 4_500}
    ]
    assert [s["sku"] for s in opened["short"]] == [AQUA_330], "30 wanted, fewer on the shelf here"
    assert [u["sku"] for u in opened["unavailable"]] == ["WEB-ONLY"]
    assert opened["total"] == 30 * 3_500 + 4_500

    ticket = online_carts.send_to_till(shop, opened["open_id"], "kiosk")
    taken = kiosk_cart_sales.take(shop, open_till, ticket["code"])
    assert taken["kiosk_cart"]["online_cart"] == {"code": cart["code"], "confirmed": True}
    assert sorted((l["sku"], l["qty"]) for l in taken["sale"]["lines"]) == [(AQUA_330, 30), (AQUA_600, 1)]
    done = pay(shop, open_till, taken["sale"]["id"])
    assert done["online_cart"] == {"code": cart["code"], "confirmed": True, "recorded_at_central": True}

    order = order_of(central, cart["id"])
    assert (order.channel, order.store_id, order.device_id, order.sale_id, order.number) == (
        "store",
        "TOKO-01",
        "T1",
        done["id"],
        done["number"],
    )
    assert (
        central.count(
            CartReservation,
            CartReservation.cart_id == cart["id"],
            CartReservation.state == "converted",
            CartReservation.sale_id == done["id"],
        )
        == 2
    ), "the reservation turned into the sale"
    assert len(outbox(shop)) == 1, "the event goes too, in case the direct call's answer was lost"

    sync_until_clean(agents())
    assert central.count(CartOrder) == 1, "the event found the order there"
    assert central.count(CentralTask, CentralTask.kind == "cart_conflict") == 0
    with shop.db.sessions() as s:
        assert s.get(OnlineCartCopy, cart["id"]).status == "checked_out"
    with pytest.raises(DomainError) as again:
        online_carts.open_cart(shop, cart["code"])
    assert (again.value.status, again.value.code) == (409, "cart_checked_out")


def test_the_till_takes_a_cart_by_its_code_at_the_shop_promotion(shop, open_till, central, agents):
    catalog.save_promotion(central.ctx, name="Hemat Aqua 10%", kind="percent", value=1000, skus=[AQUA_600])
    sync_until_clean(agents())  # the store has the promotion
    cart = new_cart(central.ctx, [(AQUA_600, 2)])
    assert cart["total"] == 8_100

    taken = online_carts.take_into_sale(
        shop, open_till, f"OC1.omnitoko.{cart['code']}"
    )  # the QR, as a scanner types it
    assert taken["kiosk_cart"]["kind"] == "online" and taken["kiosk_cart"]["price_changes"] == []
    assert taken["sale"]["total"] == 8_100, "the shopper pays what the shop showed"
    with pytest.raises(DomainError) as second:
        online_carts.take_into_sale(shop, open_till, cart["code"])
    assert second.value.code in ("one_online_cart", "cart_claimed")
    done = pay(shop, open_till, taken["sale"]["id"])
    assert order_of(central, cart["id"]).number == done["number"]


def test_offline_the_store_opens_its_synced_copy_and_its_sale_checks_the_cart_out_when_it_syncs(
    shop, open_till, central, agents
):
    reserved = new_cart(central.ctx, [(AQUA_330, 2)], pickup="TOKO-01")
    elsewhere = new_cart(central.ctx, [(AQUA_330, 1)])
    agent = agents()
    sync_until_clean(agent)

    shop.config.sync.central_url = DEAD
    with pytest.raises(DomainError) as unknown:
        online_carts.open_cart(shop, elsewhere["code"])
    assert (unknown.value.status, unknown.value.code) == (503, "central_unreachable")
    assert "not reserved at this store" in unknown.value.message

    taken = online_carts.take_into_sale(shop, open_till, reserved["code"])
    assert taken["kiosk_cart"]["confirmed"] is False, "opened from the copy: not confirmed"
    done = pay(shop, open_till, taken["sale"]["id"])
    assert done["online_cart"]["confirmed"] is False and order_of(central, reserved["id"]) is None

    shop.config.sync.central_url = central.url
    sync_until_clean(agent)
    order = order_of(central, reserved["id"])
    assert (order.sale_id, order.confirmed, order.channel) == (done["id"], False, "store")
    status = central.rows(OnlineCart.__table__.select().where(OnlineCart.id == reserved["id"]))[0].status
    assert status == "checked_out" and central.count(CentralTask, CentralTask.kind == "cart_conflict") == 0


def test_a_cart_paid_online_while_the_store_sold_it_offline_becomes_a_task_for_the_manager(
    shop, open_till, central, agents
):
    cart = new_cart(central.ctx, [(AQUA_330, 2)], pickup="TOKO-01")
    agent = agents()
    sync_until_clean(agent)
    shop.config.sync.central_url = DEAD
    taken = online_carts.take_into_sale(shop, open_till, cart["code"])
    done = pay(shop, open_till, taken["sale"]["id"])
    cart_checkout.checkout_online(central.ctx, cart["id"], "web-payment-1")  # meanwhile, paid online

    shop.config.sync.central_url = central.url
    sync_until_clean(agent)
    assert order_of(central, cart["id"]).channel == "online", "one order, not a silent second one"
    tasks = central.rows(CentralTask.__table__.select().where(CentralTask.kind == "cart_conflict"))
    assert len(tasks) == 1 and tasks[0].location == "TOKO-01" and tasks[0].ref_id == done["id"]
    assert cart["code"] in tasks[0].message and "paid twice" in tasks[0].message
    with shop.db.sessions() as s:
        mine = s.scalars(select(ReconciliationItem).where(ReconciliationItem.kind == "cart_conflict")).all()
    assert [t.ref_id for t in mine] == [done["id"]], "the store's manager sees it after the pull"


def test_a_till_whose_claim_was_taken_over_cannot_finish_the_sale(shop, open_till, central):
    clock = use_clock(central.ctx)
    cart = new_cart(central.ctx, [(AQUA_330, 1)])
    taken = online_carts.take_into_sale(shop, open_till, cart["code"])
    clock.advance(minutes=16)
    status, _ = StoreCalls(central.url, central.token).claim(cart["code"], "T2")
    assert status == 200, "after the lease lapsed, another till took the cart"

    with pytest.raises(DomainError) as refused:
        pay(shop, open_till, taken["sale"]["id"])
    assert (refused.value.status, refused.value.code) == (409, "online_cart_stale_lease")
    assert "was not finished" in refused.value.message
    from pos.services.sale_views import get_sale

    assert get_sale(shop, taken["sale"]["id"])["state"] == "open" and outbox(shop) == []
    assert central.count(CartOrder) == 0


def test_bad_codes_at_the_store_are_refused_clearly(shop, central, store):
    for ref, status, code in (
        ("OC1.tokolain.K7Q-42P", 422, "other_shop_cart"),
        ("K7Q-42", 422, "bad_cart_code"),
        ("Z9Z-9Z9", 404, "unknown_cart"),
    ):
        with pytest.raises(DomainError) as err:
            online_carts.open_cart(shop, ref)
        assert (err.value.status, err.value.code) == (status, code), ref
    shop.config.sync.central_url = ""
    with pytest.raises(DomainError) as err:
        online_carts.open_cart(shop, "Z9Z-9Z9")
    assert (err.value.status, err.value.code) == (503, "online_carts_not_connected")


def test_a_cart_left_open_at_the_kiosk_can_be_taken_at_the_till_at_once(shop, open_till, central):
    cart = new_cart(central.ctx, [(AQUA_330, 1)])
    at_kiosk = online_carts.open_cart(shop, cart["code"], "kiosk")
    taken = online_carts.take_into_sale(shop, open_till, cart["code"])  # this store renews its own claim
    assert taken["kiosk_cart"]["confirmed"] is True
    with pytest.raises(DomainError) as late:
        online_carts.send_to_till(shop, at_kiosk["open_id"])
    assert late.value.code == "online_cart_moved_on", "the kiosk's screen is out of date: nothing is sent twice"
    row = central.rows(OnlineCart.__table__.select().where(OnlineCart.id == cart["id"]))[0]
    assert (row.claim_device, row.fence) == ("T1", 2)
    pay(shop, open_till, taken["sale"]["id"])
    assert order_of(central, cart["id"]).device_id == "T1"
