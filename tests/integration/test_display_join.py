"""A customer display that connects mid-sale shows the sale and the device badges at once."""

from __future__ import annotations

from pos import bootstrap
from pos.adapters.config import StoreConfig
from pos.services import checkout, loyalty, till_sale
from pos.services.auth import Actor
from pos.services.context import StoreContext
from pos.web.app import create_app, socketio_of

AQUA_330 = "8990000100010"  # Air Mineral Aqua 330ml in the demo catalog


def _received(client, name: str) -> list[dict]:
    return [e["args"][0] for e in client.get_received() if e["name"] == name]


def test_a_display_joining_mid_sale_gets_the_open_sale_at_once(
    config: StoreConfig, store: StoreContext, open_till: Actor
) -> None:
    app = create_app(config, store.db)
    ctx: StoreContext = app.extensions["omnitoko"]
    sale, _ = till_sale.create_sale(ctx, open_till)
    till_sale.add_line(ctx, open_till, sale["id"], barcode=AQUA_330, qty=2)

    display = socketio_of(app).test_client(app)
    display.emit("join", {"till": "T1"})
    shown = _received(display, "sale")
    assert shown and shown[-1]["id"] == sale["id"]
    assert [(l["name"], l["qty"]) for l in shown[-1]["lines"]] == [("Air Mineral Aqua 330ml", 2)]


def test_a_page_joining_later_sees_the_last_printer_status(config: StoreConfig, store: StoreContext) -> None:
    app = create_app(config, store.db)
    ctx: StoreContext = app.extensions["omnitoko"]
    ctx.notify(
        "printer_status", {"till_id": "T1", "level": "error", "text": "Printer: kertas habis - 2 struk menunggu"}
    )

    page = socketio_of(app).test_client(app)
    page.emit("join", {"till": "T1"})
    assert _received(page, "printer_status")[-1]["text"].startswith("Printer: kertas habis")
    other = socketio_of(app).test_client(app)
    other.emit("join", {"till": "T2"})
    assert _received(other, "printer_status") == []


def test_the_display_shows_the_member_on_the_sale_masked_and_a_display_joining_later_too(
    config: StoreConfig, store: StoreContext, open_till: Actor
) -> None:
    app = create_app(config, store.db)
    ctx: StoreContext = app.extensions["omnitoko"]
    with ctx.db.unit_of_work() as s:
        member = {"id": "m-1", "number": "700000000001", "name": "Dewi Lestari", "phone": "6281299990000"}
        loyalty.save_member(s, {**member, "balance": 40, "version": 1, "card": "CARD-M0001"}, ctx.clock())
    sale, _ = till_sale.create_sale(ctx, open_till)
    till_sale.add_line(ctx, open_till, sale["id"], barcode=AQUA_330, qty=2)
    display = socketio_of(app).test_client(app)
    display.emit("join", {"till": "T1"})

    loyalty.attach(ctx, open_till, sale["id"], phone="081299990000")
    shown = {"masked_name": "De** Le*****", "balance": 40, "earn_per_amount": 10_000, "point_value": 100}  # no number
    assert _received(display, "sale_member") == [{"till_id": "T1", "sale_id": sale["id"], "member": shown}]
    late = socketio_of(app).test_client(app)
    late.emit("join", {"till": "T1"})
    assert _received(late, "sale_member") == [{"till_id": "T1", "sale_id": sale["id"], "member": shown}]

    loyalty.detach(ctx, open_till, sale["id"])
    assert _received(display, "sale_member") == [{"till_id": "T1", "sale_id": sale["id"], "member": None}]


def test_the_room_hears_a_member_sale_s_points_but_never_the_member_s_card_number_or_name(
    config: StoreConfig, store: StoreContext, open_till: Actor
) -> None:
    app = create_app(config, store.db)
    ctx = bootstrap.enable(app.extensions["omnitoko"], "points")
    with ctx.db.unit_of_work() as s:
        member = {"id": "m-1", "number": "700000000001", "name": "Dewi Lestari", "phone": "6281299990000"}
        loyalty.save_member(s, {**member, "balance": 40, "version": 1, "card": "OTK1.SIGNED-CARD"}, ctx.clock())
    sale, _ = till_sale.create_sale(ctx, open_till)
    sale = till_sale.add_line(ctx, open_till, sale["id"], barcode=AQUA_330, qty=10)  # Rp 35.000: 3 points
    loyalty.attach(ctx, open_till, sale["id"], phone="081299990000")
    display = socketio_of(app).test_client(app)
    display.emit("join", {"till": "T1"})
    till_sale.add_tender(ctx, open_till, sale["id"], "cash", 35_000)
    done = checkout.complete(ctx, open_till, sale["id"])
    assert done["loyalty"]["card"] == "OTK1.SIGNED-CARD"  # the cashier's own answer keeps it (the receipt's QR)
    [heard] = _received(display, "sale_completed")
    assert heard["loyalty"] == {"masked_name": "De** Le*****", "earned": 3, "redeemed": 0, "balance": 43}
    assert "OTK1.SIGNED-CARD" not in str(display.get_received()) and "700000000001" not in str(heard)
