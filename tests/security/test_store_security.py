"""Store-server security through its API: a cashier cannot do a manager's acts, PIN guessing is locked out and
forged or altered codes are refused, and none of it changes a recorded fact.

Already covered elsewhere (not repeated here):
- five wrong PINs lock the code (423) even for the right PIN: tests/integration/test_api_bad_input.py,
  tests/service/test_auth_service.py;
- manager pages refuse a cashier and a stranger, and their forms refuse a POST without its CSRF token:
  tests/integration/test_manager_pages.py; the online shop's forms: tests/carts/test_shop_pages.py;
- an altered receipt signature, another number or another shop's signature is a 404:
  tests/integration/test_print_api.py; every single changed character of a member QR, another key, another
  shop: tests/loyalty/test_member_qr.py, and at the till API: tests/loyalty/test_loyalty_api.py.
"""

from __future__ import annotations

from typing import Any

import pytest

V1 = "/api/v1"
AQUA_330 = "8990000100010"  # demo data, as in tests/conftest.py (not imported: tests/e2e has a conftest too)
MANAGER = {"staff_code": "9001", "pin": "4321"}
CASHIER = {"staff_code": "1001", "pin": "1234"}


def ok(resp: Any, status: int = 200) -> Any:
    assert resp.status_code == status, resp.get_data(as_text=True)
    return resp.get_json()


def refused(resp: Any) -> tuple[int, str]:
    body = resp.get_json()
    assert set(body) == {"error"} and body["error"]["message"], body
    return resp.status_code, body["error"]["code"]


@pytest.fixture
def sold(till_api: Any) -> dict[str, Any]:
    """A completed cash sale of two bottles and an open sale of one, rung up by cashier 1001."""
    sale = ok(till_api.post(f"{V1}/sales"), 201)
    ok(till_api.post(f"{V1}/sales/{sale['id']}/lines", {"barcode": AQUA_330, "qty": 2}), 201)
    ok(till_api.post(f"{V1}/sales/{sale['id']}/tenders", {"type": "cash", "amount": 10_000}), 201)
    done = ok(till_api.post(f"{V1}/sales/{sale['id']}/complete"))
    open_sale = ok(till_api.post(f"{V1}/sales"), 201)
    ok(till_api.post(f"{V1}/sales/{open_sale['id']}/lines", {"barcode": AQUA_330}), 201)
    return {"done": done, "open": open_sale["id"]}


def manager_acts(sold: dict[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    done = sold["done"]
    return {
        "void": (f"/sales/{sold['open']}/void", {"reason": "salah scan"}),
        "refund": (
            "/refunds",
            {
                "sale_number": done["number"],
                "reason": "rusak",
                "lines": [{"line_id": done["lines"][0]["id"], "qty": 1}],
            },
        ),
        "discount over 10%": (f"/sales/{sold['open']}/discounts", {"kind": "percent", "value": 15}),
        "reprint": (f"/receipts/{done['number']}/reprint", {"reason": "pelanggan minta"}),
        "open drawer": ("/drawer/open", {"reason": "tukar uang"}),
    }


@pytest.mark.parametrize("act", ["void", "refund", "discount over 10%", "reprint", "open drawer"])
def test_a_cashier_cannot_do_a_managers_act_alone_or_with_their_own_pin(
    till_api: Any, sold: dict[str, Any], facts: Any, act: str
) -> None:
    path, body = manager_acts(sold)[act]
    before = facts()
    assert refused(till_api.post(V1 + path, body)) == (403, "approval_required")
    assert refused(till_api.post(V1 + path, {**body, "approval": CASHIER})) == (403, "not_a_manager")
    wrong_pin = {"staff_code": "9001", "pin": "0000"}
    assert refused(till_api.post(V1 + path, {**body, "approval": wrong_pin})) == (401, "bad_credentials")
    assert facts() == before, f"a refused {act} changed a recorded fact"
    assert till_api.post(V1 + path, {**body, "approval": MANAGER}).status_code in (200, 201, 202)  # the door exists


def test_pin_guessing_through_approvals_locks_the_managers_code_too(till_api: Any, sold: dict[str, Any]) -> None:
    """Approval PINs count as sign-in attempts: guessing the manager's PIN on the void dialog locks the code."""
    path = f"{V1}/sales/{sold['open']}/void"
    codes = [
        refused(till_api.post(path, {"reason": "x", "approval": {"staff_code": "9001", "pin": f"{n:04d}"}}))
        for n in range(5)
    ]
    assert codes == [(401, "bad_credentials")] * 4 + [(423, "locked")]  # the fifth wrong PIN locks the code
    assert refused(till_api.post(path, {"reason": "x", "approval": MANAGER})) == (423, "locked")  # even the right PIN
    assert ok(till_api.get(f"{V1}/sales/{sold['open']}"))["state"] == "open"


def test_a_forged_or_altered_kiosk_ticket_is_refused_at_the_till(api: Any, till_api: Any, facts: Any) -> None:
    sent = ok(api.post(f"{V1}/kiosk/carts", {"lines": [{"sku": "SKU-00001", "qty": 1}]}, token=""), 201)
    payload = sent["qr_payload"]
    before = facts()
    altered = payload[:-4] + ("0000" if not payload.endswith("0000") else "1111")
    other_cart = payload.split(".")[0] + ".00000000-0000-4000-8000-000000000000." + payload.split(".")[2]
    for forged in (altered, other_cart, payload + "0", "K1." + "a" * 36 + "." + "b" * 20):
        status, code = refused(till_api.post(f"{V1}/kiosk-carts/take", {"code": forged}))
        assert status in (404, 422) and code in ("unknown_ticket", "bad_ticket"), (forged, status, code)
    assert facts() == before
    taken = ok(till_api.post(f"{V1}/kiosk-carts/take", {"code": payload}))
    assert taken["sale"]["lines"][0]["sku"] == "SKU-00001"
