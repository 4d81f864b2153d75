"""Cash in and out through the till's API (POST /api/v1/cash-moves): bad amounts are 4xx with words that say what
is wrong, in the caller's language, and change nothing; a retried request with the same id records once; the
manager's shift pages show the cash moved."""

from __future__ import annotations

import re
from typing import Any

import pytest
from test_manager_pages import Browser

from pos.services.context import StoreContext

V1 = "/api/v1"
MANAGER = {"staff_code": "9001", "pin": "4321"}
DROP_ID = "0b6f7f0e-4a4c-4f57-9a0a-7d1d2c3b4a5e"


def refused(api: Any, body: dict[str, Any], lang: str = "en") -> tuple[int, dict[str, Any]]:
    resp = api.post(f"{V1}/cash-moves?lang={lang}", body)
    assert 400 <= resp.status_code < 500, resp.get_data(as_text=True)
    return resp.status_code, resp.get_json()["error"]


@pytest.mark.parametrize(
    ("amount", "status", "code", "english", "indonesian"),
    [
        (-5_000, 422, "cash_amount_not_positive", "more than Rp 0", "lebih dari Rp 0"),
        (0, 422, "cash_amount_not_positive", "more than Rp 0", "lebih dari Rp 0"),
        (1_000_000_000_000, 422, "amount_too_large", "999.999.999.999", "999.999.999.999"),
        (2**70, 422, "number_out_of_range", "64-bit range", "amount"),
        (1500.5, 400, "invalid_request", "valid integer", "amount"),
        ("150000", 400, "invalid_request", "valid integer", "amount"),
    ],
)
def test_an_oversized_negative_or_non_integer_amount_is_a_4xx_that_says_so_and_changes_nothing(
    till_api: Any, facts: Any, amount: Any, status: int, code: str, english: str, indonesian: str
) -> None:
    before = facts()
    body = {"reason": "safe_drop", "amount": amount, "approval": MANAGER}
    got, en = refused(till_api, body, "en")
    assert (got, en["code"]) == (status, code) and english in en["message"], en
    _, id_ = refused(till_api, body, "id")
    assert id_["code"] == code and indonesian in id_["message"], id_
    assert facts() == before


def test_a_pay_out_above_the_drawer_is_refused_with_what_it_holds(till_api: Any, facts: Any) -> None:
    before = facts()
    status, err = refused(till_api, {"reason": "store_expense", "amount": 200_001, "approval": MANAGER}, "id")
    assert (status, err["code"], err["max"]) == (409, "drawer_short", 200_000)
    assert "Rp 200.000" in err["message"] and facts() == before


def test_a_drop_is_recorded_once_when_the_till_sends_it_again_with_the_same_id(till_api: Any) -> None:
    body = {"id": DROP_ID, "reason": "safe_drop", "amount": 150_000, "approval": MANAGER}
    first = till_api.post(f"{V1}/cash-moves", body)
    again = till_api.post(f"{V1}/cash-moves", body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json()["id"] == again.get_json()["id"] == DROP_ID
    x = till_api.get(f"{V1}/reports/x").get_json()
    assert (x["cash_out"], x["expected_cash"]) == (150_000, 50_000)
    # The same act with an Idempotency-Key twice: the first answer replayed.
    key = {"Idempotency-Key": "pay-in-1"}
    pay_in = {"reason": "more_change", "amount": 25_000}
    one = till_api.post(f"{V1}/cash-moves", pay_in, headers=key)
    two = till_api.post(f"{V1}/cash-moves", pay_in, headers=key)
    assert two.headers.get("Idempotent-Replayed") == "true" and one.get_json() == two.get_json()
    assert till_api.get(f"{V1}/reports/x").get_json()["cash_in"] == 25_000


def test_the_managers_shift_pages_show_the_cash_out_and_in_and_the_expected_cash(
    store: StoreContext, till_api: Any
) -> None:
    from pos.web.app import create_app

    till_api.post(f"{V1}/cash-moves", {"reason": "safe_drop", "amount": 150_000, "approval": MANAGER})
    till_api.post(f"{V1}/cash-moves", {"reason": "other_in", "amount": 30_000, "note": "uang receh dari bank"})
    web = Browser(create_app(store.config, store.db))
    web.sign_in()
    page = web.get("/manager/shifts?lang=id").get_data(as_text=True)
    row = page[page.index(">T1</td>") :]
    row = re.sub(r"<[^>]+>", " ", row[: row.index("</tr>")])
    assert re.search(r"Rp 150\.000\s+Rp 30\.000\s+Rp 80\.000", row), row
    link = re.search(r'href="(/manager/shifts/[^"?]+)"', page)
    assert link is not None
    x = web.get(link.group(1) + "?lang=id").get_data(as_text=True)
    assert re.search(r'id="cash-out"><th>Kas keluar</th><td class="num neg">-Rp 150\.000<', x)
    assert re.search(r'data-cash-reason="safe_drop"><th>Setor ke brankas</th>', x)
    assert re.search(r'id="cash-in"><th>Kas masuk</th><td class="num ">Rp 30\.000<', x)
    assert re.search(r'id="expected-cash">Rp 80\.000<', x)
    assert "uang receh dari bank" in x and "Dewi Lestari" in x  # the note, and the manager who approved the drop
    audit = web.get("/manager/audit?lang=en").get_data(as_text=True)
    assert "Cash out Rp 150.000 from the drawer: Drop to the safe" in audit
    assert "Cash in Rp 30.000 to the drawer: Other cash in. Reason: uang receh dari bank" in audit
