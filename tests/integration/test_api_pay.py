"""POST /api/v1/sales/{id}/pay, the till's payment key: one request takes the payment and, when nothing is left to
pay, completes the sale; a retry with its Idempotency-Key pays once; what the API refuses for /tenders it refuses
here too."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import func, select

from common.limits import MAX_AMOUNT
from pos.adapters.tables import TenderRow

V1 = "/api/v1"
AQUA_330 = "8990000100010"  # Rp 3.500 in the demo data


def sale_of(api: Any, qty: int = 1) -> str:
    sale = api.post(f"{V1}/sales").get_json()
    assert api.post(f"{V1}/sales/{sale['id']}/lines", {"barcode": AQUA_330, "qty": qty}).status_code == 201
    return str(sale["id"])


def paid_count(store: Any, sale_id: str) -> int:
    with store.db.sessions() as s:
        return int(s.scalar(select(func.count()).where(TenderRow.sale_id == sale_id)) or 0)


def test_cash_that_covers_the_sale_answers_with_the_completed_sale(till_api: Any, store: Any) -> None:
    sale_id = sale_of(till_api, 2)
    resp = till_api.post(f"{V1}/sales/{sale_id}/pay", {"type": "cash", "amount": 10_000})
    assert resp.status_code == 201, resp.get_data(as_text=True)
    done = resp.get_json()
    assert (done["state"], done["number"], done["change"]) == ("completed", "TOKO-01-T1-000001", 3_000)
    assert till_api.get(f"{V1}/sales/TOKO-01-T1-000001").get_json()["id"] == sale_id


def test_a_part_payment_answers_with_the_open_sale_and_what_is_left(till_api: Any) -> None:
    sale_id = sale_of(till_api, 2)
    part = till_api.post(f"{V1}/sales/{sale_id}/pay", {"type": "qris", "amount": 4_000}).get_json()
    assert (part["state"], part["number"], part["remaining"]) == ("open", None, 3_000)
    done = till_api.post(f"{V1}/sales/{sale_id}/pay", {"type": "cash", "amount": 3_000}).get_json()
    assert done["state"] == "completed" and [t["type"] for t in done["tenders"]] == ["qris", "cash"]


def test_a_retry_with_the_same_key_pays_and_completes_once(till_api: Any, store: Any) -> None:
    sale_id = sale_of(till_api)
    key = {"Idempotency-Key": str(uuid.uuid4())}
    first = till_api.post(f"{V1}/sales/{sale_id}/pay", {"type": "cash", "amount": 5_000}, headers=key)
    again = till_api.post(f"{V1}/sales/{sale_id}/pay", {"type": "cash", "amount": 5_000}, headers=key)
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json() and again.headers["Idempotent-Replayed"] == "true"
    assert paid_count(store, sale_id) == 1
    late = till_api.post(f"{V1}/sales/{sale_id}/pay", {"type": "cash", "amount": 5_000})  # no key: a new payment
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "sale_completed"
    assert paid_count(store, sale_id) == 1


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"type": "points", "amount": 3_500}, 400),  # points are paid through /points, against a member's hold
        ({"type": "voucher", "amount": 3_500}, 400),
        ({"type": "cash", "amount": 0}, 400),
        ({"type": "cash", "amount": MAX_AMOUNT + 1}, 400),
        ({"type": "cash", "amount": "3500"}, 400),
        ({"type": "cash", "amount": 3_500, "reference": "x" * 65}, 400),
        ({"type": "card", "amount": 3_501}, 422),  # more than is due on a card
    ],
)
def test_a_payment_the_till_may_not_take_is_refused_with_a_clear_answer(
    till_api: Any, store: Any, body: dict[str, Any], status: int
) -> None:
    sale_id = sale_of(till_api)
    resp = till_api.post(f"{V1}/sales/{sale_id}/pay", body)
    assert resp.status_code == status, resp.get_data(as_text=True)
    assert resp.get_json()["error"]["message"]
    assert paid_count(store, sale_id) == 0
    assert till_api.get(f"{V1}/sales/{sale_id}").get_json()["state"] == "open"


def test_a_barcode_scanned_into_the_cash_amount_is_refused_in_words_and_nothing_is_paid(
    till_api: Any, store: Any
) -> None:
    sale_id = sale_of(till_api, 2)  # Rp 7.000
    resp = till_api.post(f"{V1}/sales/{sale_id}/pay?lang=id", {"type": "cash", "amount": 89_901_234})
    assert resp.status_code == 422
    err = resp.get_json()["error"]
    assert err["code"] == "change_too_large" and err["change"] == 89_894_234
    assert err["message"] == (
        "Tunai Rp 89.901.234 memberi kembalian Rp 89.894.234, lebih dari uang kertas terbesar (Rp 100.000): "
        "periksa jumlah yang diterima"
    )
    assert paid_count(store, sale_id) == 0
    done = till_api.post(f"{V1}/sales/{sale_id}/pay", {"type": "cash", "amount": 100_000}).get_json()
    assert (done["state"], done["change"]) == ("completed", 93_000)
