"""The store API takes a line, sale or payment up to Rp 999.999.999.999 and refuses more (4xx, nothing saved).

Whatever the store takes, the central store takes too (tests/loyalty/test_big_amounts.py): past the maximum the
sale would be dead-lettered there, so it is refused here, while the cashier can still do something about it.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import update

from common.limits import MAX_AMOUNT
from pos.adapters.tables import Product

AQUA_330, AQUA_600 = "8990000100010", "8990000100027"
V1 = "/api/v1"
LIMIT_TEXT = "Rp 999.999.999.999"


def priced(store: Any, **prices: int) -> None:
    """Set shelf prices as central's catalog feed would (barcode -> price)."""
    with store.db.unit_of_work() as s:
        for barcode, price in prices.items():
            s.execute(update(Product).where(Product.barcode == barcode).values(price=price))


def ok(resp: Any, status: int = 200) -> dict[str, Any]:
    assert resp.status_code == status, resp.get_data(as_text=True)
    return resp.get_json()


def refused(resp: Any, status: int, code: str) -> dict[str, Any]:
    assert resp.status_code == status, resp.get_data(as_text=True)
    error = resp.get_json()["error"]
    assert error["code"] == code
    return error


@pytest.fixture
def sale(till_api: Any) -> str:
    return ok(till_api.post(f"{V1}/sales"), 201)["id"]


def test_a_sale_of_exactly_the_maximum_is_rung_up_paid_and_completed(store, till_api, sale):
    priced(store, **{AQUA_330: MAX_AMOUNT})
    view = ok(till_api.post(f"{V1}/sales/{sale}/lines", {"barcode": AQUA_330}), 201)
    assert view["total"] == MAX_AMOUNT
    ok(till_api.post(f"{V1}/sales/{sale}/tenders", {"type": "cash", "amount": MAX_AMOUNT}), 201)
    done = ok(till_api.post(f"{V1}/sales/{sale}/complete"))
    assert (done["total"], done["paid"], done["change"]) == (MAX_AMOUNT, MAX_AMOUNT, 0)


def test_a_line_whose_quantity_times_price_passes_the_maximum_is_refused_and_nothing_changes(
    store, till_api, sale, facts
):
    priced(store, **{AQUA_330: 600_000_000_000})
    before = facts()
    error = refused(till_api.post(f"{V1}/sales/{sale}/lines", {"barcode": AQUA_330, "qty": 2}), 422, "amount_too_large")
    assert LIMIT_TEXT in error["message"] and error["max"] == MAX_AMOUNT
    assert facts() == before
    assert ok(till_api.get(f"{V1}/sales/{sale}"))["lines"] == []


def test_raising_a_quantity_past_the_maximum_is_refused_and_the_line_keeps_its_quantity(store, till_api, sale):
    priced(store, **{AQUA_330: 400_000_000_000})
    line = ok(till_api.post(f"{V1}/sales/{sale}/lines", {"barcode": AQUA_330}), 201)["lines"][0]
    refused(till_api.patch(f"{V1}/sales/{sale}/lines/{line['id']}", {"qty": 3}), 422, "amount_too_large")
    view = ok(till_api.get(f"{V1}/sales/{sale}"))
    assert [(l["qty"], view["total"]) for l in view["lines"]] == [(1, 400_000_000_000)]


def test_lines_each_within_the_maximum_that_add_up_past_it_are_refused(store, till_api, sale):
    priced(store, **{AQUA_330: 600_000_000_000, AQUA_600: 500_000_000_000})
    ok(till_api.post(f"{V1}/sales/{sale}/lines", {"barcode": AQUA_330}), 201)
    error = refused(till_api.post(f"{V1}/sales/{sale}/lines", {"barcode": AQUA_600}), 422, "amount_too_large")
    assert "a sale (Rp 1.100.000.000.000)" in error["message"]
    assert ok(till_api.get(f"{V1}/sales/{sale}"))["total"] == 600_000_000_000


def test_a_tender_above_the_maximum_is_a_400_naming_the_amount(store, till_api, sale, facts):
    ok(till_api.post(f"{V1}/sales/{sale}/lines", {"barcode": AQUA_330}), 201)
    before = facts()
    error = refused(
        till_api.post(f"{V1}/sales/{sale}/tenders", {"type": "cash", "amount": MAX_AMOUNT + 1}), 400, "invalid_request"
    )
    assert error["fields"][0]["field"] == "amount" and "999999999999" in error["fields"][0]["problem"]
    assert facts() == before


def test_payments_that_together_pass_the_maximum_are_refused(store, till_api, sale):
    """Cash may exceed what is due (change), but the sale's payments together stay within the maximum."""
    priced(store, **{AQUA_330: 900_000_000_000})
    ok(till_api.post(f"{V1}/sales/{sale}/lines", {"barcode": AQUA_330}), 201)
    ok(till_api.post(f"{V1}/sales/{sale}/tenders", {"type": "card", "amount": 500_000_000_000}), 201)
    error = refused(
        till_api.post(f"{V1}/sales/{sale}/tenders", {"type": "cash", "amount": MAX_AMOUNT}), 422, "amount_too_large"
    )
    assert "Rp 1.499.999.999.999" in error["message"] and LIMIT_TEXT in error["message"]
    view = ok(till_api.post(f"{V1}/sales/{sale}/tenders", {"type": "cash", "amount": 400_000_000_000}), 201)
    assert view["remaining"] == 0


def test_with_cash_rounding_a_sale_that_would_round_past_the_maximum_is_refused(store, till_api, sale):
    store.config.currency.cash_rounding = 1000
    priced(store, **{AQUA_330: MAX_AMOUNT})
    error = refused(till_api.post(f"{V1}/sales/{sale}/lines", {"barcode": AQUA_330}), 422, "amount_too_large")
    assert "rounded for cash (Rp 1.000.000.000.000)" in error["message"]
