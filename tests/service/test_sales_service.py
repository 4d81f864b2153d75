"""Building a sale at the till: lines by barcode or SKU, discounts, park and resume, void."""

from __future__ import annotations

import json

import pytest
from service_steps import AQUA_330, AQUA_600, MANAGER, audit_log

from common.errors import Conflict, DomainError, Forbidden, NotFound
from pos.services import checkout, sales, shifts, till_sale
from pos.services.auth import Actor
from pos.services.context import StoreContext


def test_a_sale_needs_an_open_shift(store: StoreContext, cashier: Actor) -> None:
    with pytest.raises(DomainError) as err:
        till_sale.create_sale(store, cashier)
    assert err.value.code == "no_open_shift"


def test_a_till_has_one_open_sale_at_a_time(store: StoreContext, open_till: Actor) -> None:
    first, created = till_sale.create_sale(store, open_till)
    again, created_again = till_sale.create_sale(store, open_till)
    assert created and not created_again and again["id"] == first["id"] and first["state"] == "open"


def test_items_are_added_by_barcode_or_sku_and_the_same_item_adds_to_its_line(
    store: StoreContext, open_till: Actor
) -> None:
    sale, _ = till_sale.create_sale(store, open_till)
    till_sale.add_line(store, open_till, sale["id"], barcode=AQUA_330)
    till_sale.add_line(store, open_till, sale["id"], sku="SKU-00002", qty=2)
    view = till_sale.add_line(store, open_till, sale["id"], barcode=AQUA_330, qty=2)
    assert [(l["sku"], l["qty"], l["unit_price"], l["net"]) for l in view["lines"]] == [
        ("SKU-00002", 2, 4_500, 9_000),
        ("SKU-00001", 3, 3_500, 10_500),
    ]
    assert view["total"] == 19_500 and view["remaining"] == 19_500


def test_a_line_quantity_can_be_changed_and_a_line_removed(store: StoreContext, open_till: Actor) -> None:
    sale, _ = till_sale.create_sale(store, open_till)
    view = till_sale.add_line(store, open_till, sale["id"], barcode=AQUA_330)
    view = till_sale.add_line(store, open_till, sale["id"], barcode=AQUA_600)
    aqua = next(l for l in view["lines"] if l["barcode"] == AQUA_330)
    view = sales.set_quantity(store, open_till, sale["id"], aqua["id"], 4)
    assert view["total"] == 4 * 3_500 + 4_500
    view = sales.remove_line(store, open_till, sale["id"], aqua["id"])
    assert [l["barcode"] for l in view["lines"]] == [AQUA_600] and view["total"] == 4_500


@pytest.mark.parametrize("qty", [0, -1, 10_000])
def test_a_quantity_of_zero_less_or_too_many_is_refused(store: StoreContext, open_till: Actor, qty: int) -> None:
    sale, _ = till_sale.create_sale(store, open_till)
    with pytest.raises(DomainError) as err:
        till_sale.add_line(store, open_till, sale["id"], barcode=AQUA_330, qty=qty)
    assert err.value.code == "bad_quantity"
    assert till_sale.add_line(store, open_till, sale["id"], barcode=AQUA_330)["lines"][0]["qty"] == 1


def test_an_unknown_barcode_or_sku_says_what_to_do_and_adds_nothing(store: StoreContext, open_till: Actor) -> None:
    sale, _ = till_sale.create_sale(store, open_till)
    with pytest.raises(NotFound) as err:
        till_sale.add_line(store, open_till, sale["id"], barcode="8991234567890")
    assert err.value.code == "unknown_barcode" and "search by name" in err.value.message
    with pytest.raises(NotFound):
        till_sale.add_line(store, open_till, sale["id"], sku="SKU-99999")
    from pos.services.sale_views import get_sale

    assert get_sale(store, sale["id"])["lines"] == []


def test_a_discount_up_to_ten_percent_needs_no_manager(store: StoreContext, open_till: Actor) -> None:
    sale, _ = till_sale.create_sale(store, open_till)
    view = till_sale.add_line(store, open_till, sale["id"], barcode=AQUA_330, qty=2)
    view = sales.apply_discount(store, open_till, sale["id"], "percent", 10, line_id=view["lines"][0]["id"])
    assert view["lines"][0]["line_discount"] == 700 and view["total"] == 6_300
    entry = audit_log(store, "discount")[-1]
    assert entry.approved_by is None


def test_a_discount_over_ten_percent_needs_a_manager_code_and_pin_and_is_audited(
    store: StoreContext, open_till: Actor, manager: Actor
) -> None:
    sale, _ = till_sale.create_sale(store, open_till)
    till_sale.add_line(store, open_till, sale["id"], barcode=AQUA_330, qty=2)
    for approval in (None, {"staff_code": "1001", "pin": "1234"}):
        with pytest.raises(Forbidden):
            sales.apply_discount(store, open_till, sale["id"], "amount", 701, approval=approval)
    assert audit_log(store, "discount") == []
    view = sales.apply_discount(store, open_till, sale["id"], "amount", 701, approval=MANAGER)
    assert view["sale_discount"] == 701 and view["total"] == 6_299
    entry = audit_log(store, "discount")[-1]
    assert entry.approved_by == manager.staff_id and entry.requested_by == open_till.staff_id
    assert entry.ref_id == sale["id"] and json.loads(entry.detail)["approved"] is True


def test_park_then_resume_brings_the_same_lines_back(store: StoreContext, open_till: Actor) -> None:
    sale, _ = till_sale.create_sale(store, open_till)
    till_sale.add_line(store, open_till, sale["id"], barcode=AQUA_330, qty=2)
    parked = sales.park(store, open_till, sale["id"])
    assert parked["state"] == "parked"
    assert [p["id"] for p in sales.parked_sales(store)] == [sale["id"]]

    other, created = till_sale.create_sale(store, open_till)  # the next shopper meanwhile
    assert created and other["id"] != sale["id"]
    resumed = sales.resume(store, open_till, sale["id"])
    assert resumed["state"] == "open" and [(l["sku"], l["qty"]) for l in resumed["lines"]] == [("SKU-00001", 2)]
    assert sales.parked_sales(store) == []


def test_a_resumed_sale_shows_its_member_on_the_customer_display_again(store: StoreContext, open_till: Actor) -> None:
    from common.loyalty import normalize_phone
    from pos.services import loyalty

    with store.db.unit_of_work() as s:
        member = {"id": "m-1", "number": "M0001", "name": "Budi Santoso", "phone": normalize_phone("081234567890")}
        loyalty.save_member(s, {**member, "balance": 40, "version": 1, "card": "CARD-M0001"}, store.clock())
    sale, _ = till_sale.create_sale(store, open_till)
    till_sale.add_line(store, open_till, sale["id"], barcode=AQUA_330)
    loyalty.attach(store, open_till, sale["id"], phone="081234567890")
    sales.park(store, open_till, sale["id"])
    told: list[tuple[str, dict]] = []
    store.notify = lambda topic, data: told.append((topic, data))  # type: ignore[method-assign]
    sales.resume(store, open_till, sale["id"])
    shown = [data for topic, data in told if topic == "sale_member"]
    assert [(d["till_id"], d["sale_id"], d["member"]["name"]) for d in shown] == [("T1", sale["id"], "Budi Santoso")]


def test_an_empty_sale_cannot_be_parked_and_a_busy_till_cannot_resume(store: StoreContext, open_till: Actor) -> None:
    sale, _ = till_sale.create_sale(store, open_till)
    with pytest.raises(DomainError):
        sales.park(store, open_till, sale["id"])
    till_sale.add_line(store, open_till, sale["id"], barcode=AQUA_330)
    sales.park(store, open_till, sale["id"])
    busy, _ = till_sale.create_sale(store, open_till)
    till_sale.add_line(store, open_till, busy["id"], barcode=AQUA_600)
    with pytest.raises(Conflict):
        sales.resume(store, open_till, sale["id"])


def test_voiding_a_sale_needs_a_manager_and_is_audited(store: StoreContext, open_till: Actor, manager: Actor) -> None:
    sale, _ = till_sale.create_sale(store, open_till)
    till_sale.add_line(store, open_till, sale["id"], barcode=AQUA_330)
    till_sale.add_tender(store, open_till, sale["id"], "cash", 5_000)
    with pytest.raises(Forbidden):
        sales.void(store, open_till, sale["id"], None)
    view = sales.void(store, open_till, sale["id"], MANAGER, reason="shopper left")
    assert view["state"] == "voided" and view["tenders"] == []
    entry = audit_log(store, "sale_void")[-1]
    assert entry.approved_by == manager.staff_id and json.loads(entry.detail)["reason"] == "shopper left"
    with pytest.raises(Conflict):
        checkout.complete(store, open_till, sale["id"])


def test_lines_cannot_change_once_payment_is_taken(store: StoreContext, open_till: Actor) -> None:
    sale, _ = till_sale.create_sale(store, open_till)
    view = till_sale.add_line(store, open_till, sale["id"], barcode=AQUA_330)
    view = till_sale.add_tender(store, open_till, sale["id"], "card", 1_000)
    with pytest.raises(Conflict):
        till_sale.add_line(store, open_till, sale["id"], barcode=AQUA_600)
    view = sales.remove_tender(store, open_till, sale["id"], view["tenders"][0]["id"])
    assert till_sale.add_line(store, open_till, sale["id"], barcode=AQUA_600)["total"] == 8_000


def test_an_ewallet_payment_without_a_reference_is_refused(store: StoreContext, open_till: Actor) -> None:
    sale, _ = till_sale.create_sale(store, open_till)
    till_sale.add_line(store, open_till, sale["id"], barcode=AQUA_330)
    with pytest.raises(DomainError) as err:
        till_sale.add_tender(store, open_till, sale["id"], "ewallet", 3_500)
    assert err.value.code == "reference_required"
    view = till_sale.add_tender(store, open_till, sale["id"], "ewallet", 3_500, "DANA-778899")
    assert view["tenders"][0]["reference"] == "*******8899" and view["remaining"] == 0


def test_a_sale_open_on_one_till_cannot_be_touched_from_another(store: StoreContext, open_till: Actor) -> None:
    from pos.services import auth

    t2 = auth.sign_in(store, "1002", "2345", "T2")[1]
    shifts.open_shift(store, t2, 100_000)
    sale, _ = till_sale.create_sale(store, open_till)
    with pytest.raises(Conflict) as err:
        till_sale.add_line(store, t2, sale["id"], barcode=AQUA_330)
    assert err.value.code == "other_till"


def test_what_the_till_shows_after_each_step_is_what_the_store_keeps(store: StoreContext, open_till: Actor) -> None:
    """The scan, payment and completion write plain rows by the driver; read back through the ORM (the receipt
    reprint, the manager's pages, a display joining mid-sale), the sale is the one the till showed. Each line's
    figures are kept as it is scanned; the sale's totals are kept once it is parked, voided or completed."""
    from pos.services.sale_views import get_sale, lines_of, load_sale

    def stored(sale_id: str) -> tuple[object, ...]:
        """The figures kept on the rows (a refund and the reports read these, not a fresh pricing)."""
        with store.db.sessions() as s:
            sale = load_sale(s, sale_id)
            lines = [(l.sku, l.qty, l.line_discount, l.sale_discount, l.net) for l in lines_of(s, sale_id)]
            return sale.subtotal, sale.discount_total, sale.tax_total, sale.total, lines

    def shown_figures(view: dict) -> tuple[object, ...]:  # type: ignore[type-arg]
        lines = [(l["sku"], l["qty"], l["line_discount"], l["sale_discount"], l["net"]) for l in view["lines"]]
        return view["subtotal"], view["discount"], view["tax"], view["total"], lines

    sale, _ = till_sale.create_sale(store, open_till)
    assert sale == get_sale(store, sale["id"])
    shown = till_sale.add_line(store, open_till, sale["id"], barcode=AQUA_330, qty=2)
    assert shown == get_sale(store, sale["id"]) and shown_figures(shown)[4] == stored(sale["id"])[4]
    sales.apply_discount(store, open_till, sale["id"], "amount", 500)  # spread again over each line scanned after it
    shown = till_sale.add_line(store, open_till, sale["id"], barcode=AQUA_600, qty=3)
    assert shown["sale_discount"] > 0 and shown == get_sale(store, sale["id"])
    assert shown_figures(shown)[4] == stored(sale["id"])[4]
    parked = sales.park(store, open_till, sale["id"])  # the parked list shows the total kept on the sale
    assert shown_figures(parked) == shown_figures(shown) == stored(sale["id"])
    assert [p["total"] for p in sales.parked_sales(store)] == [shown["total"]]
    shown = sales.resume(store, open_till, sale["id"])
    shown = till_sale.add_tender(store, open_till, sale["id"], "cash", shown["due"] + 2_000)
    assert shown["change"] == 2_000 and shown == get_sale(store, sale["id"])
    done = checkout.complete(store, open_till, sale["id"])
    assert shown_figures(done) == stored(sale["id"])
    kept = get_sale(store, done["number"])
    assert kept["state"] == "completed" and {k: done[k] for k in kept} == kept
