"""A store's token proves who sends, not what is true: a forged sale or refund, pushed over HTTP with a real store
token, is refused with a reason, moves no money or stock, and flags the store (SQLite and PostgreSQL)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from checkkit import assert_refused, holdings, pusher
from racekit import at_once
from synckit import STORE, central, pg_url, sale_payload  # noqa: F401
from test_central_admin import admin  # noqa: F401

from central.tables import Refund

Forgery = Callable[[dict[str, Any]], None]


def _total(p: dict[str, Any], total: int) -> None:
    """Make the sale's totals, tax and cash tender agree with a new total (so only the forged figure is off)."""
    p["total"] = p["paid"] = p["tenders"][0]["amount"] = total


def _line_net(p: dict[str, Any], net: int) -> None:
    p["lines"][0]["net"] = net


def _negative_qty(p: dict[str, Any]) -> None:
    line = p["lines"][0]
    line["qty"], line["net"] = -1, -line["unit_price"]


def _overpriced(p: dict[str, Any]) -> None:
    p["lines"][0]["unit_price"] = 10**12  # Rp 1.000.000.000.000: one rupiah more than any amount may be


def _underpaid(p: dict[str, Any]) -> None:
    p["tenders"][0]["amount"] -= 1000
    p["paid"] -= 1000


def _card_with_change(p: dict[str, Any]) -> None:
    p["tenders"][0].update(type="card", amount=p["total"] + 50_000)
    p["paid"], p["change"] = p["total"] + 50_000, 50_000


def _wrong_change(p: dict[str, Any]) -> None:
    p["tenders"][0]["amount"] = p["paid"] = p["total"] + 10_000
    p["change"] = 60_000


def _rounding_without_cash(p: dict[str, Any]) -> None:
    p["tenders"][0].update(type="qris", amount=p["total"] + 100)
    p["paid"], p["rounding"] = p["total"] + 100, 100


SALE_FORGERIES: dict[str, tuple[Forgery, str]] = {
    "negative quantity": (_negative_qty, "bad_quantity"),
    "a line net that is not qty x price": (lambda p: _line_net(p, 1), "line_does_not_add_up"),
    "a total above what the lines add up to": (lambda p: _total(p, p["total"] + 5000), "totals_do_not_add_up"),
    "a subtotal below the lines": (lambda p: p.update(subtotal=p["subtotal"] - 3500), "totals_do_not_add_up"),
    "no tax on PPN goods": (lambda p: p.update(tax=0, taxes=[]), "tax_does_not_add_up"),
    "tax at a made-up rate": (lambda p: p["taxes"][0].update(rate_bp=500), "tax_does_not_add_up"),
    "tenders that do not cover the total": (_underpaid, "underpaid"),
    "paid that is not the sum of the tenders": (lambda p: p.update(paid=p["paid"] + 1), "tenders_do_not_add_up"),
    "change from a card": (_card_with_change, "tenders_exceed_total"),
    "change that is not paid minus due": (_wrong_change, "wrong_change"),
    "a rounding line without cash": (_rounding_without_cash, "bad_rounding"),
    "an unknown tender kind": (lambda p: p["tenders"][0].update(type="voucher"), "bad_tender"),
    "an amount above MAX_AMOUNT": (_overpriced, "amount_out_of_range"),
    "another store's number": (lambda p: p.update(number="TOKO-02-T1-000001"), "foreign_number"),
    "another store's name": (lambda p: p.update(store_id="TOKO-02"), "other_store"),
    "a till that did not push it": (lambda p: p.update(till_id="T2", number=f"{STORE}-T2-000001"), "other_device"),
}


@pytest.mark.parametrize("forgery", SALE_FORGERIES)
def test_a_forged_sale_is_refused_and_moves_no_money_or_stock(central, admin, forgery):  # noqa: F811
    p = pusher(central, STORE)
    p.applied("sale.completed", sale_payload(STORE, 1))  # an honest sale first: the store's next is refused alone
    forge, code = SALE_FORGERIES[forgery]
    sale = sale_payload(STORE, 2, qty=3)
    forge(sale)
    before = holdings(central)
    assert_refused(central, p, p.push("sale.completed", sale), code, before, admin)
    p.applied("sale.completed", sale_payload(STORE, 3))  # the queue goes on behind it


def test_a_sale_naming_a_shift_of_another_store_is_refused(central):
    other = pusher(central, "TOKO-02")
    shift = str(uuid.uuid4())
    other.applied("shift.opened", {"shift_id": shift, "till_id": "T1", "opening_float": 100_000})
    p = pusher(central, STORE)
    sale = {**sale_payload(STORE, 1), "shift_id": shift}
    before = holdings(central)
    assert_refused(central, p, p.push("sale.completed", sale), "other_store_shift", before)


def _refund(sale: dict[str, Any], n: int, qty: int = 1, line: int = 0, **extra: Any) -> dict[str, Any]:
    sold = sale["lines"][line]
    amount = sold["net"] * qty // sold["qty"]
    return {
        "id": str(uuid.uuid4()),
        "number": f"{STORE}-T1-{n:06d}",
        "store_id": STORE,
        "sale_id": sale["sale_id"],
        "till_id": "T1",
        "tender_type": "cash",
        "amount": amount,
        "rounding": 0,
        "points_back": None,
        "lines": [
            {"id": str(uuid.uuid4()), "sale_line_id": sold["id"], "sku": sold["sku"], "qty": qty, "amount": amount}
        ],
        **extra,
    }


def test_refunds_are_refused_beyond_what_is_left_of_the_sale_line(central):
    p = pusher(central, STORE)
    sale = sale_payload(STORE, 1, qty=2)  # two lines of 2 x Rp 3.500
    p.applied("sale.completed", sale)
    p.applied("refund.completed", _refund(sale, 2, qty=1))
    before = holdings(central)
    assert_refused(central, p, p.push("refund.completed", _refund(sale, 3, qty=2)), "refund_exceeds_sold", before)
    too_much = _refund(sale, 4, qty=1)
    too_much["lines"][0]["amount"] = too_much["amount"] = 3501
    assert_refused(central, p, p.push("refund.completed", too_much), "refund_exceeds_paid", before)
    mismatch = _refund(sale, 5, qty=1, amount=9000)
    assert_refused(central, p, p.push("refund.completed", mismatch), "refund_does_not_add_up", before)
    negative = _refund(sale, 6, qty=1)
    negative["lines"][0]["qty"] = -5
    assert_refused(central, p, p.push("refund.completed", negative), "bad_quantity", before)
    foreign = _refund(sale, 7, qty=1)
    foreign["lines"][0]["sale_line_id"] = str(uuid.uuid4())
    assert_refused(central, p, p.push("refund.completed", foreign), "unknown_line", before)
    p.applied("refund.completed", _refund(sale, 8, qty=1))  # the last unit of the line is still refundable
    assert central.count(Refund) == 2


def test_a_refund_of_another_stores_sale_or_of_no_sale_is_refused(central):
    other = pusher(central, "TOKO-02")
    theirs = sale_payload("TOKO-02", 1)
    other.applied("sale.completed", theirs)
    p = pusher(central, STORE)
    before = holdings(central)
    assert_refused(central, p, p.push("refund.completed", _refund(theirs, 1)), "other_store_sale", before)
    assert_refused(
        central,
        p,
        p.push("refund.completed", _refund({**theirs, "sale_id": str(uuid.uuid4())}, 2)),
        "unknown_sale",
        before,
    )


def test_two_refunds_of_the_last_unit_delivered_at_once_by_several_requests_refund_it_once(central):
    p = pusher(central, STORE)
    sale = sale_payload(STORE, 1, qty=1)
    p.applied("sale.completed", sale)
    batch = [p.event("refund.completed", _refund(sale, 2)), p.event("refund.completed", _refund(sale, 3))]
    answers = [
        [(r.get("first_outcome", r["outcome"]), r["code"]) for r in sent]
        for sent in at_once(*[lambda: p.send(batch)] * 4)
    ]
    assert answers == [[("applied", None), ("rejected", "refund_exceeds_sold")]] * 4
    assert central.count(Refund) == 1
