"""Issue 15, point 7: a paid sale takes no second tender, and an Idempotency-Key makes a retried or doubled
write (open sale, tender, complete, refund, cart take) happen once."""

from __future__ import annotations

import uuid
from typing import Any

from racekit import at_once
from sqlalchemy import func, select

from pos.adapters.tables import Sale, TenderRow

V1 = "/api/v1"
AQUA_330 = "8990000100010"  # Rp 3.500 in the demo data
MANAGER = {"staff_code": "9001", "pin": "4321"}


def _key() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}


def _sale_with_item(api: Any) -> str:
    sale = api.post(f"{V1}/sales").get_json()
    assert api.post(f"{V1}/sales/{sale['id']}/lines", {"barcode": AQUA_330}).status_code == 201
    return sale["id"]


def test_a_second_cash_tender_on_a_paid_sale_is_refused_and_changes_nothing(till_api: Any, store: Any) -> None:
    sale_id = _sale_with_item(till_api)
    assert till_api.post(f"{V1}/sales/{sale_id}/tenders", {"type": "cash", "amount": 5_000}).status_code == 201
    second = till_api.post(f"{V1}/sales/{sale_id}/tenders", {"type": "cash", "amount": 10**11})
    assert second.status_code == 409 and second.get_json()["error"]["code"] == "nothing_due"
    assert "already paid" in second.get_json()["error"]["message"]
    sale = till_api.get(f"{V1}/sales/{sale_id}").get_json()
    assert [t["amount"] for t in sale["tenders"]] == [5_000] and sale["change"] == 1_500


def test_a_split_payment_still_takes_cash_until_the_sale_is_paid(till_api: Any) -> None:
    sale_id = _sale_with_item(till_api)
    assert till_api.post(f"{V1}/sales/{sale_id}/tenders", {"type": "cash", "amount": 2_000}).status_code == 201
    assert till_api.post(f"{V1}/sales/{sale_id}/tenders", {"type": "cash", "amount": 2_000}).status_code == 201
    done = till_api.post(f"{V1}/sales/{sale_id}/complete")
    assert done.status_code == 200 and done.get_json()["change"] == 500


def test_the_same_key_and_body_gives_the_first_answer_and_pays_once(till_api: Any, store: Any) -> None:
    sale_id = _sale_with_item(till_api)
    key = _key()
    first = till_api.post(f"{V1}/sales/{sale_id}/tenders", {"type": "cash", "amount": 2_000}, headers=key)
    again = till_api.post(f"{V1}/sales/{sale_id}/tenders", {"type": "cash", "amount": 2_000}, headers=key)
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json() and again.headers["Idempotent-Replayed"] == "true"
    with store.db.sessions() as s:
        assert s.scalar(select(func.count()).where(TenderRow.sale_id == sale_id)) == 1


def test_the_same_key_with_another_body_is_a_409(till_api: Any) -> None:
    sale_id = _sale_with_item(till_api)
    key = _key()
    assert (
        till_api.post(f"{V1}/sales/{sale_id}/tenders", {"type": "cash", "amount": 1_000}, headers=key).status_code
        == 201
    )
    other = till_api.post(f"{V1}/sales/{sale_id}/tenders", {"type": "cash", "amount": 2_000}, headers=key)
    assert other.status_code == 409 and other.get_json()["error"]["code"] == "idempotency_key_reused"


def test_complete_and_refund_retried_with_their_keys_happen_once(till_api: Any) -> None:
    sale_id = _sale_with_item(till_api)
    till_api.post(f"{V1}/sales/{sale_id}/tenders", {"type": "cash", "amount": 5_000})
    key = _key()
    done = till_api.post(f"{V1}/sales/{sale_id}/complete", headers=key)
    assert done.status_code == 200
    assert till_api.post(f"{V1}/sales/{sale_id}/complete", headers=key).get_json() == done.get_json()
    number = done.get_json()["number"]
    body = {
        "sale_number": number,
        "lines": [{"line_id": done.get_json()["lines"][0]["id"], "qty": 1}],
        "approval": MANAGER,
        "reason": "rusak",
    }
    key = _key()
    first = till_api.post(f"{V1}/refunds", body, headers=key)
    assert first.status_code == 201
    assert till_api.post(f"{V1}/refunds", body, headers=key).get_json() == first.get_json()
    # Without the key the same refund is a new request, and the line has nothing left to refund.
    assert till_api.post(f"{V1}/refunds", body).status_code in (409, 422)


def test_a_refused_request_frees_its_key_for_the_corrected_retry(till_api: Any) -> None:
    sale = till_api.post(f"{V1}/sales").get_json()
    key = _key()
    empty = till_api.post(f"{V1}/sales/{sale['id']}/tenders", {"type": "cash", "amount": 5_000}, headers=key)
    assert empty.status_code == 422  # nothing scanned yet
    assert till_api.post(f"{V1}/sales/{sale['id']}/lines", {"barcode": AQUA_330}).status_code == 201
    assert (
        till_api.post(f"{V1}/sales/{sale['id']}/tenders", {"type": "cash", "amount": 5_000}, headers=key).status_code
        == 201
    )


def test_a_key_of_one_till_does_not_answer_for_another(till_api: Any, api: Any) -> None:
    sale_id = _sale_with_item(till_api)
    key = _key()
    assert (
        till_api.post(f"{V1}/sales/{sale_id}/tenders", {"type": "cash", "amount": 1_000}, headers=key).status_code
        == 201
    )
    other = api.__class__(api.app)
    other.sign_in("1002", "2345", "T2")
    assert other.post(f"{V1}/shifts", {"opening_float": 0}).status_code == 201
    # Same key and body on another till: not the first till's answer (it is that till's own sale, refused).
    resp = other.post(f"{V1}/sales/{sale_id}/tenders", {"type": "cash", "amount": 1_000}, headers=key)
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "other_till"


def test_a_malformed_key_is_a_400(till_api: Any) -> None:
    resp = till_api.post(f"{V1}/sales", headers={"Idempotency-Key": "x" * 101})
    assert resp.status_code == 400 and resp.get_json()["error"]["code"] == "bad_idempotency_key"


def test_two_requests_with_one_key_at_once_make_one_sale_and_one_tender(till_api: Any, store: Any) -> None:
    headers = {"Authorization": f"Bearer {till_api.token}", **_key()}
    app = till_api.app
    opened = at_once(*[lambda: app.test_client().post(f"{V1}/sales", headers=headers)] * 2)
    assert sorted(r.status_code for r in opened) == [201, 201]
    assert opened[0].get_json()["id"] == opened[1].get_json()["id"]
    sale_id = opened[0].get_json()["id"]
    assert till_api.post(f"{V1}/sales/{sale_id}/lines", {"barcode": AQUA_330}).status_code == 201
    headers = {"Authorization": f"Bearer {till_api.token}", **_key()}

    def pay() -> Any:
        return app.test_client().post(
            f"{V1}/sales/{sale_id}/tenders", headers=headers, json={"type": "cash", "amount": 2_000}
        )

    paid = at_once(pay, pay)
    assert [r.status_code for r in paid] == [201, 201]
    assert paid[0].get_json() == paid[1].get_json()
    with store.db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Sale)) == 1
        assert s.scalar(select(func.count()).where(TenderRow.sale_id == sale_id)) == 1
