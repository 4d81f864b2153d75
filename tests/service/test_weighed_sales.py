"""Weighed and label-priced goods at the till: a scale label or a typed weight rings the line, grams all the way
through stock, the event to central and refunds (issue 16 point 2)."""

from __future__ import annotations

from typing import Any

import pytest
from service_steps import AQUA_330, MANAGER, outbox, payload

from common.demo_data import ean13, sample_labels
from common.errors import DomainError, NotFound
from common.scale_labels import LabelLayout
from pos.services import catalog, checkout, refunds, sales, till_sale, transactions
from pos.services.auth import Actor
from pos.services.context import StoreContext

LAYOUT = LabelLayout()
BERAS = ean13(9_001)  # SKU-W0001 Beras Curah, Rp 14.000 / kg, PLU 101
APEL = ean13(9_003)  # SKU-W0003 Apel Fuji, Rp 42.000 / kg, PLU 103
LAPIS = ean13(9_005)  # SKU-W0005 Kue Lapis Legit, priced by its label, PLU 201


def ring(store: StoreContext, actor: Actor, **kw: Any) -> dict[str, Any]:
    view, _ = till_sale.create_sale(store, actor)
    return till_sale.add_line(store, actor, view["id"], **kw)


def pay(store: StoreContext, actor: Actor, view: dict[str, Any]) -> dict[str, Any]:
    till_sale.add_tender(store, actor, view["id"], "cash", view["total"])
    return checkout.complete(store, actor, view["id"])


def test_a_weight_label_rings_its_grams_at_the_price_per_kg_rounded_to_the_rupiah(
    store: StoreContext, open_till: Actor
) -> None:
    view = ring(store, open_till, barcode=LAYOUT.make("20", 103, 845))  # 0,845 kg x Rp 42.000 = Rp 35.490
    line = view["lines"][0]
    assert (line["sku"], line["measure"], line["qty"], line["gross"]) == ("SKU-W0003", "weight", 845, 35_490)
    assert line["qty_text"] == {"id": "0,845 kg", "en": "0,845 kg"}
    view = till_sale.add_line(store, open_till, view["id"], barcode=LAYOUT.make("21", 101, 1_333))
    # 1,333 kg x Rp 14.000 = 18.662 exactly; a second label is a line of its own, never merged
    assert [(l["qty"], l["gross"]) for l in view["lines"]] == [(845, 35_490), (1_333, 18_662)]


def test_half_a_rupiah_rounds_up(store: StoreContext, open_till: Actor) -> None:
    # Rp 145.000 / kg x 0,003 kg = Rp 435; Rp 14.000 x 0,001 = 14; 42.000 x 0,0005 is not a weight: use a price
    # that ends on a half: Rp 18.000/kg x 0,025 kg = 450 exactly, Rp 145.000 x 0,001 = 145; half: 14.500/kg
    view = ring(store, open_till, barcode=LAYOUT.make("20", 104, 3))  # tomat Rp 18.000/kg x 3 g = Rp 54
    assert view["lines"][0]["gross"] == 54
    view = till_sale.add_line(store, open_till, view["id"], sku="SKU-W0002", weight="0,001")  # Rp 145 exactly
    assert view["lines"][1]["gross"] == 145


def test_a_price_label_rings_the_label_s_price_as_one_item(store: StoreContext, open_till: Actor) -> None:
    view = ring(store, open_till, barcode=LAYOUT.make("25", 201, 37_500))
    line = view["lines"][0]
    assert (line["sku"], line["measure"], line["qty"], line["unit_price"], line["gross"]) == (
        "SKU-W0005",
        "label",
        1,
        37_500,
        37_500,
    )


@pytest.mark.parametrize(
    ("code", "error"),
    [
        (LAYOUT.make("20", 103, 845)[:-1] + "0", "bad_check_digit"),  # the right check digit is 1
        (LAYOUT.make("20", 999, 845), "unknown_label_item"),
        (LAYOUT.make("20", 201, 845), "label_kind_mismatch"),  # a weight label for a label-priced product
        (LAYOUT.make("25", 103, 20_000), "label_kind_mismatch"),  # a price label for a weighed product
        (LAYOUT.make("20", 103, 0), "bad_label_value"),  # zero weight
        (LAYOUT.make("20", 101, 99_999), None),  # 99,999 kg: heavy but possible
    ],
)
def test_a_label_that_does_not_add_up_is_refused_with_a_reason(
    store: StoreContext, open_till: Actor, code: str, error: str | None
) -> None:
    assert LAYOUT.make("20", 103, 845)[-1] == "1"
    if error is None:
        assert ring(store, open_till, barcode=code)["lines"][0]["qty"] == 99_999
        return
    with pytest.raises(DomainError) as e:
        ring(store, open_till, barcode=code)
    assert e.value.code == error


def test_an_absurd_weight_is_refused(store: StoreContext, open_till: Actor) -> None:
    layout = LabelLayout(item_digits=4, value_digits=6)  # a scale that prints 6 digits of grams
    view, _ = till_sale.create_sale(store, open_till)
    store.config.labels.item_digits, store.config.labels.value_digits = 4, 6
    with pytest.raises(DomainError) as e:
        till_sale.add_line(store, open_till, view["id"], barcode=layout.make("20", 101, 250_000))  # 250 kg of rice
    assert e.value.code == "weight_too_large"
    with pytest.raises(DomainError) as e:
        till_sale.add_line(store, open_till, view["id"], sku="SKU-W0001", weight="0")
    assert e.value.code == "bad_weight"


def test_a_weighed_product_without_a_label_asks_for_its_weight_and_takes_it_typed(
    store: StoreContext, open_till: Actor
) -> None:
    view, _ = till_sale.create_sale(store, open_till)
    with pytest.raises(DomainError) as e:
        till_sale.add_line(store, open_till, view["id"], barcode=BERAS)
    assert (e.value.code, e.value.detail["sku"]) == ("weight_needed", "SKU-W0001")
    for typed, grams in [("1,25", 1_250), ("1.25", 1_250), ("1250", 1_250), ("2", 2_000), ("0,5 kg", 500)]:
        view = till_sale.add_line(store, open_till, view["id"], barcode=BERAS, weight=typed)
        assert view["lines"][-1]["qty"] == grams, typed
    with pytest.raises(DomainError) as e:
        till_sale.add_line(store, open_till, view["id"], barcode=LAPIS)
    assert e.value.code == "label_needed"
    with pytest.raises(DomainError) as e:
        till_sale.add_line(store, open_till, view["id"], barcode=AQUA_330, weight="1,25")
    assert e.value.code == "not_weighed"
    with pytest.raises(NotFound):
        till_sale.add_line(store, open_till, view["id"], barcode=ean13(999_999))  # no label prefix, no product


def test_grams_go_through_stock_the_event_to_central_and_a_refund_of_part_of_the_weight(
    store: StoreContext, open_till: Actor
) -> None:
    before = catalog.stock_card(store, "SKU-W0001")["on_hand"]
    view = ring(store, open_till, barcode=LAYOUT.make("20", 101, 1_250))  # Rp 17.500
    view = till_sale.add_line(store, open_till, view["id"], barcode=AQUA_330)
    sale = pay(store, open_till, view)
    assert catalog.stock_card(store, "SKU-W0001")["on_hand"] == before - 1_250
    event = payload(outbox(store)[-1])
    assert outbox(store)[-1].schema_version == 5  # version 3 lines say their measure; 4 and 5 keep it
    assert [(l["sku"], l["qty"], l["measure"], l["net"]) for l in event["lines"]] == [
        ("SKU-W0001", 1_250, "weight", 17_500),
        ("SKU-00001", 1, "unit", 3_500),
    ]
    beras = next(l["id"] for l in sale["lines"] if l["sku"] == "SKU-W0001")
    part = refunds.refund(store, open_till, sale["number"], [(beras, 500)], MANAGER)  # 0,5 kg back
    assert part["amount"] == 7_000
    rest = refunds.refund(store, open_till, sale["number"], [(beras, 750)], MANAGER)
    assert part["amount"] + rest["amount"] == 17_500
    assert catalog.stock_card(store, "SKU-W0001")["on_hand"] == before
    with pytest.raises(DomainError):
        refunds.refund(store, open_till, sale["number"], [(beras, 1)], MANAGER)


def test_a_weighed_line_s_quantity_is_not_changed_by_f4(store: StoreContext, open_till: Actor) -> None:
    view = ring(store, open_till, barcode=LAYOUT.make("20", 101, 1_250))
    with pytest.raises(DomainError) as e:
        sales.set_quantity(store, open_till, view["id"], view["lines"][0]["id"], 2)
    assert e.value.code == "measured_line_qty"


def test_reports_count_a_weighed_line_as_one_item_and_list_its_kg(store: StoreContext, open_till: Actor) -> None:
    from pos.services import reports

    view = ring(store, open_till, barcode=LAYOUT.make("20", 101, 1_250))
    view = till_sale.add_line(store, open_till, view["id"], barcode=AQUA_330, qty=2)
    pay(store, open_till, view)
    data = reports.sales_report(store, None, None)
    assert data["summary"]["items"] == 3  # 1 weighed line + 2 bottles, not 1.252
    top = {r["sku"]: r for r in data["tables"]["top_products"]}
    assert (top["SKU-W0001"]["qty"], top["SKU-W0001"]["measure"]) == (1_250, "weight")


def test_every_sample_label_the_demo_prints_rings_at_the_till(store: StoreContext, open_till: Actor) -> None:
    view, _ = till_sale.create_sale(store, open_till)
    for code, what in sample_labels():
        view = till_sale.add_line(store, open_till, view["id"], barcode=code)
        line = view["lines"][-1]
        assert line["name"].split()[0] in what and line["measure"] in ("weight", "label")


def test_the_transaksi_list_counts_a_weighed_line_as_one_item(store: StoreContext, open_till: Actor) -> None:
    # 1,250 kg of rice, 0,845 kg of apples and 2 bottles: the till and the receipt say 4 items, so must F5's list
    view = ring(store, open_till, barcode=LAYOUT.make("20", 101, 1_250))
    view = till_sale.add_line(store, open_till, view["id"], barcode=LAYOUT.make("20", 103, 845))
    view = till_sale.add_line(store, open_till, view["id"], barcode=AQUA_330, qty=2)
    done = pay(store, open_till, view)
    listed = transactions.find(store, open_till, "number", done["number"])["items"]
    assert [(r["number"], r["items"]) for r in listed] == [(done["number"], 4)]


def test_the_audit_log_says_a_weighed_refund_in_kg_and_why_in_words(store: StoreContext, open_till: Actor) -> None:
    from pos.services import audit_log

    view = ring(store, open_till, barcode=LAYOUT.make("20", 101, 1_250))  # 1,250 kg of Beras Curah
    sale = pay(store, open_till, view)
    refunds.refund(store, open_till, sale["number"], [(sale["lines"][0]["id"], 500)], MANAGER, "cash", "changed_mind")
    [entry] = [r for r in audit_log.audit_log(store, action="refund", locale="id")["rows"]]
    assert "Beras Curah Pandan Wangi x 0,500 kg" in entry["detail"] and "Pembeli berubah pikiran" in entry["detail"]
    assert "changed_mind" not in entry["detail"]
