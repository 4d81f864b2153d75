"""Every manager page (store) and admin page (central) shows people values in both languages: names, receipt
numbers, percent, Rupiah and local times with their zone, never an id, an ISO time, basis points, a `key=value` dump
or a category's code. The data behind the pages holds all of those (ids on every fact, UTC times, basis points)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, update
from synckit import STORE, central, make_event, sale_payload  # noqa: F401
from test_manager_pages import AQUA_330, Browser
from valuecheck import internal_values, visible_text

from central.services import catalog, loyalty, stores
from central.services import push as push_service
from central.tables import PointsEntry
from common.errors import DomainError
from pos.adapters.tables import OutboxEvent, Shift
from pos.adapters.tables.sync import DeadLetterSeen, SyncStatus
from pos.services import (
    auth,
    checkout,
    kiosk_devices,
    refunds,
    sales,
    stock_admin,
    stock_count_review,
    stock_counts,
    till_sale,
)
from pos.services.auth import Actor
from pos.services.context import StoreContext

APPROVAL = {"staff_code": "9001", "pin": "4321"}
AQUA_600 = "8990000100027"
BENG_BENG = "8990000100638"  # a snack


def _store_facts(store: StoreContext, till: Actor, manager: Actor) -> dict[str, str]:
    """A day at the store: a sale with an approved 50% discount, a refund of one line, a voided line and a voided
    sale, an adjustment, a posted count and a kiosk pairing code (its audit entry names a UTC time)."""
    view, _ = till_sale.create_sale(store, till)
    view = till_sale.add_line(store, till, view["id"], barcode=AQUA_330, qty=2)
    line = view["lines"][0]["id"]
    sales.apply_discount(store, till, view["id"], "percent", 50, line_id=line, approval=APPROVAL)
    till_sale.add_tender(store, till, view["id"], "cash", 10_000)
    done = checkout.complete(store, till, view["id"])
    refunds.refund(store, till, done["number"], [(line, 1)], APPROVAL, reason="rusak")
    other, _ = till_sale.create_sale(store, till)
    other = till_sale.add_line(store, till, other["id"], barcode=AQUA_600, qty=1)
    other = till_sale.add_line(store, till, other["id"], barcode=AQUA_330, qty=1)
    sales.remove_line(store, till, other["id"], other["lines"][0]["id"])
    sales.void(store, till, other["id"], APPROVAL, reason="pembeli batal")
    stock_admin.adjust(store, manager, AQUA_330, 1, "damaged", "jatuh")
    count = stock_counts.start_count(store, manager, "drinks")
    stock_counts.record_count(store, manager, count["id"], AQUA_330, 5, "set")
    posted = stock_counts.start_count(store, manager, "snacks")
    stock_counts.record_count(store, manager, posted["id"], BENG_BENG, 3, "set")
    stock_counts.post_count(store, manager, posted["id"])
    code = kiosk_devices.new_pairing_code(store, manager.staff_id, 30)["code"]
    kiosk_devices.pair(store, code, "kios-depan")
    for _ in range(store.config.security.pin_attempts + 1):  # wrong PINs: the locks page has a row to show
        with pytest.raises(DomainError):
            auth.sign_in(store, "1002", "0000", "T2")
    with store.db.unit_of_work() as s:  # the agent ran, and central refused the sale's event
        sale_event = s.scalar(select(OutboxEvent.event_id).where(OutboxEvent.type == "sale.completed"))
        now = store.clock()
        s.execute(update(SyncStatus).where(SyncStatus.id == 1).values(last_round_at=now, last_success_at=now))
        s.add(
            DeadLetterSeen(
                event_id=sale_event,
                store_seq=1,
                type="sale.completed",
                status=422,
                code="unknown_sku",
                reason="SKU-99999 is not in the central catalog",
                seen_at=now,
            )
        )
    return {"count": count["id"], "posted": posted["id"], "receipt": done["number"], "shift": _shift_id(store)}


def _shift_id(store: StoreContext) -> str:
    with store.db.sessions() as s:
        return str(s.scalar(select(Shift.id)))


def test_no_manager_page_shows_an_internal_value_in_either_language(
    store: StoreContext, open_till: Actor, manager: Actor
) -> None:
    from pos.web.app import create_app

    facts = _store_facts(store, open_till, manager)
    web = Browser(create_app(store.config, store.db))
    web.sign_in()
    paths = [
        "/manager/stock",
        "/manager/stock/low",
        "/manager/stock/receive",
        "/manager/stock/adjust",
        f"/manager/stock/item/{AQUA_330}",
        "/manager/counts",
        f"/manager/counts/{facts['count']}",
        f"/manager/counts/{facts['posted']}",
        "/manager/transfers",
        "/manager/reports",
        "/manager/sync",
        "/manager/audit",
        "/manager/locks",
        "/manager/kiosks",
        "/manager/staff",
        "/manager/orders",
        "/manager/shifts",
        f"/manager/shifts/{facts['shift']}",
    ]
    bad = []
    for lang in ("id", "en"):
        for path in paths:
            resp = web.get(f"{path}?lang={lang}")
            assert resp.status_code == 200, path
            bad += [f"{lang} {path} {what}" for what in internal_values(resp.get_data(as_text=True))]
    assert not bad, "\n".join(bad)
    locks = visible_text(web.get("/manager/locks?lang=id").get_data(as_text=True))
    assert "Budi Santoso (1002)" in locks and re.search(r"Sisa waktu .* \d+ m\b", locks)  # who, and for how long
    sync = visible_text(web.get("/manager/sync?lang=id").get_data(as_text=True))
    assert "sale.completed" not in sync and "Penjualan" in sync and facts["receipt"] in sync  # by its number


def test_the_audit_log_reads_as_sentences_with_names_numbers_and_rupiah(
    store: StoreContext, open_till: Actor, manager: Actor
) -> None:
    from pos.web.app import create_app

    facts = _store_facts(store, open_till, manager)
    web = Browser(create_app(store.config, store.db))
    web.sign_in()
    said = visible_text(web.get("/manager/audit?lang=id").get_data(as_text=True))
    assert f"Diskon 50% pada struk {facts['receipt']}" in said
    assert "Dewi Lestari (9001)" in said  # who approved it, by name
    assert f"dari struk {facts['receipt']}" in said and "Alasan: rusak" in said  # the refund
    assert "Alasan: Rusak" in said and "Air Mineral Aqua 330ml" in said  # the adjustment: reason and product in words
    assert re.search(r"berlaku sampai \d\d/\d\d/\d{4} \d\d:\d\d WIB", said)  # the pairing code's UTC time, local
    said_en = visible_text(web.get("/manager/audit?lang=en").get_data(as_text=True))
    assert f"Discount 50% on receipt {facts['receipt']}" in said_en and "Reason: Damaged" in said_en
    assert "(Cash) on receipt" in said_en and "(Tunai)" not in said_en  # the tender in the page's language


def test_times_on_the_manager_pages_carry_the_stores_zone(
    store: StoreContext, open_till: Actor, manager: Actor
) -> None:
    from pos.web.app import create_app

    facts = _store_facts(store, open_till, manager)
    web = Browser(create_app(store.config, store.db))
    web.sign_in()
    said = visible_text(web.get(f"/manager/counts/{facts['posted']}").get_data(as_text=True))
    assert re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d WIB", said), said


def test_the_count_confirmation_names_the_difference_in_units_and_rupiah(
    store: StoreContext, open_till: Actor, manager: Actor
) -> None:
    from pos.web.app import create_app

    facts = _store_facts(store, open_till, manager)
    web = Browser(create_app(store.config, store.db))
    web.sign_in()
    html = web.get(f"/manager/counts/{facts['count']}?lang=id").get_data(as_text=True)
    confirm = re.search(r'id="post-count" data-confirm="([^"]+)"', html)
    assert confirm, "the post form asks before posting"
    review = stock_count_review.count_review(store, facts["count"])
    units = review["net_variance"]
    assert units < 0 and f"Selisih {units} unit" in confirm.group(1)
    assert f"senilai -Rp {abs(review['value_variance']):,}".replace(",", ".") in confirm.group(1)
    assert "(harga jual)" in confirm.group(1)  # says which value: at selling price


@pytest.fixture
def admin(central):  # noqa: F811 - the fixture imported above
    stores.set_admin(central.ctx, "admin", "rahasia-1234")
    client = central.extra["app"].test_client()
    page = client.get("/admin/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    resp = client.post("/admin/login", data={"username": "admin", "password": "rahasia-1234", "csrf_token": token})
    assert resp.status_code == 302
    return client


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)  # pages, not concurrency: one database will do
def test_no_admin_page_shows_an_internal_value_in_either_language(admin, central) -> None:  # noqa: F811
    ctx = central.ctx
    sale = sale_payload(STORE, 1)
    poison = sale_payload(STORE, 2, skus=["SKU-NEW-1"])  # refused: central has no such product (a dead letter)
    push_service.push(ctx, STORE, "T1", [make_event(1, sale), make_event(2, poison)])
    push_service.pull(ctx, STORE, 0, 1)
    catalog.save_promotion(ctx, name="Hemat 12,5%", kind="percent", value=1250, skus=["SKU-00001", "SKU-00002"])
    member = loyalty.sign_up(ctx, "Siti Rahma", "081200000001", None, STORE)
    loyalty.adjust(ctx, member["id"], 100, "poin sambutan")
    with ctx.db.unit_of_work() as s:
        s.add(PointsEntry(member_id=member["id"], kind="earn", points=7, store_id=STORE, ref_id=sale["sale_id"]))
    paths = [
        "/admin/",
        "/admin/products?q=aqua",
        "/admin/promotions",
        "/admin/members",
        f"/admin/members/{member['id']}",
        "/admin/debts",
        "/admin/payments",
        "/admin/settlements",
        "/admin/sales?from=2026-11-20&to=2026-11-30",
        "/admin/transfers",
        "/admin/locks",
    ]
    bad = []
    for lang in ("id", "en"):
        admin.get(f"/admin/?lang={lang}")
        for path in paths:
            resp = admin.get(path)
            assert resp.status_code == 200, path
            bad += [f"{lang} {path} {what}" for what in internal_values(resp.get_data(as_text=True))]
    assert not bad, "\n".join(bad)
    page = visible_text(admin.get(f"/admin/members/{member['id']}").get_data(as_text=True))
    assert sale["number"] in page  # the receipt number of the sale that earned the points, not its id
    promos = visible_text(admin.get("/admin/promotions").get_data(as_text=True))
    assert "12,5%" in promos and "Air Mineral Aqua 330ml" in promos  # percent, and products by name
    products = visible_text(admin.get("/admin/products?q=aqua").get_data(as_text=True))
    assert "Minuman" in products or "Drinks" in products
    dash = visible_text(admin.get("/admin/").get_data(as_text=True))
    assert re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d WIB", dash), dash
    assert "sale.completed" not in dash and ("Penjualan" in dash or "Sale" in dash)  # the refused event in words
    settle = visible_text(admin.get("/admin/settlements").get_data(as_text=True))
    assert re.search(r"\d\d/\d\d/\d{4}", settle) and not re.search(r"\d\d-\d\d-\d{4}", settle), (
        "23/11/2026 as elsewhere"
    )


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
def test_the_online_shop_shows_no_internal_value_in_either_language(central) -> None:  # noqa: F811
    catalog.save_promotion(central.ctx, name="Hemat 12,5%", kind="percent", value=1250, skus=["SKU-00001"])
    shopper = central.extra["app"].test_client()
    page = shopper.get("/shop/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    shopper.post("/shop/cart/add", data={"csrf_token": token, "sku": "SKU-00001", "qty": "2"})
    shopper.post("/shop/cart/store", data={"csrf_token": token, "store": STORE})  # held for pickup until a time
    held = visible_text(shopper.get("/shop/cart?lang=id").get_data(as_text=True))
    assert re.search(r"Disimpan di Omnitoko Kemang sampai pukul \d\d:\d\d WIB", held), held
    bad = []
    for lang in ("id", "en"):
        for path in (f"/shop/?lang={lang}", "/shop/?q=aqua", "/shop/cart"):
            resp = shopper.get(path)
            assert resp.status_code == 200, path
            bad += [f"{lang} {path} {what}" for what in internal_values(resp.get_data(as_text=True))]
    assert not bad, "\n".join(bad)
    assert "12,5%" in visible_text(shopper.get("/shop/?q=aqua&lang=id").get_data(as_text=True))
