"""Every bad input gets a 4xx with {"error": {"code", "message"}} and changes nothing in the store."""

from __future__ import annotations

from typing import Any

import pytest

AQUA_330 = "8990000100010"  # SKU-00001, Rp 3.500 (demo data, as in tests/conftest.py)
MANAGER = {"staff_code": "9001", "pin": "4321"}
V1 = "/api/v1"


def ok(resp: Any, status: int = 200) -> Any:
    assert resp.status_code == status, resp.get_data(as_text=True)
    return resp.get_json()


@pytest.fixture
def shop(till_api: Any) -> dict[str, Any]:
    """A completed sale of 2 x Aqua 330 (Rp 7.000, paid Rp 10.000 cash) and an open sale of 1 x Aqua 330."""
    sale = ok(till_api.post(f"{V1}/sales"), 201)
    ok(till_api.post(f"{V1}/sales/{sale['id']}/lines", {"barcode": AQUA_330, "qty": 2}), 201)
    ok(till_api.post(f"{V1}/sales/{sale['id']}/tenders", {"type": "cash", "amount": 10_000}), 201)
    done = ok(till_api.post(f"{V1}/sales/{sale['id']}/complete"))
    sale = ok(till_api.post(f"{V1}/sales"), 201)
    sale = ok(till_api.post(f"{V1}/sales/{sale['id']}/lines", {"barcode": AQUA_330}), 201)
    return {
        "api": till_api,
        "sale": sale["id"],
        "line": sale["lines"][0]["id"],
        "done": done["id"],
        "number": done["number"],
        "done_line": done["lines"][0]["id"],
    }


def fill(value: Any, shop: dict[str, Any]) -> Any:
    """Put the shop's ids into a path or body template ({sale}, {line}, {done}, {number}, {done_line})."""
    if isinstance(value, str):
        return value.format(**shop)
    if isinstance(value, dict):
        return {k: fill(v, shop) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, shop) for v in value]
    return value


def assert_refused(resp: Any, status: int, code: str | None) -> dict[str, Any]:
    assert resp.status_code == status, resp.get_data(as_text=True)
    assert resp.mimetype == "application/json"
    error = resp.get_json()["error"]
    assert isinstance(error["code"], str) and isinstance(error["message"], str) and error["message"]
    if code:
        assert error["code"] == code
    return error


BAD_INPUTS = [
    # (what a user did, method, path, JSON body, status, error code)
    ("an unknown barcode", "POST", "/sales/{sale}/lines", {"barcode": "8991234567890"}, 404, "unknown_barcode"),
    ("an unknown sku", "POST", "/sales/{sale}/lines", {"sku": "SKU-99999"}, 404, "unknown_sku"),
    ("neither barcode nor sku", "POST", "/sales/{sale}/lines", {"qty": 1}, 422, "missing_field"),
    ("a zero quantity", "POST", "/sales/{sale}/lines", {"barcode": AQUA_330, "qty": 0}, 400, "invalid_request"),
    ("a negative quantity", "POST", "/sales/{sale}/lines", {"barcode": AQUA_330, "qty": -2}, 400, "invalid_request"),
    ("a fractional quantity", "POST", "/sales/{sale}/lines", {"barcode": AQUA_330, "qty": 1.5}, 400, None),
    ("a quantity as text", "POST", "/sales/{sale}/lines", {"barcode": AQUA_330, "qty": "2"}, 400, None),
    ("a zero quantity change", "PATCH", "/sales/{sale}/lines/{line}", {"qty": 0}, 400, None),
    ("a negative quantity change", "PATCH", "/sales/{sale}/lines/{line}", {"qty": -1}, 400, None),
    ("a quantity change of an unknown line", "PATCH", "/sales/{sale}/lines/nope", {"qty": 2}, 404, "unknown_line"),
    ("removing an unknown line", "DELETE", "/sales/{sale}/lines/nope", None, 404, "unknown_line"),
    ("a line on an unknown sale", "POST", "/sales/nope/lines", {"barcode": AQUA_330}, 404, "unknown_sale"),
    ("a line on a completed sale", "POST", "/sales/{done}/lines", {"barcode": AQUA_330}, 409, None),
    ("an extra field", "POST", "/sales/{sale}/lines", {"barcode": AQUA_330, "price": 1}, 400, "invalid_request"),
    ("an underpaid sale", "POST", "/sales/{sale}/complete", None, 422, "underpaid"),
    ("a second completion of the same sale", "POST", "/sales/{done}/complete", None, 409, "already_completed"),
    ("a float tender amount", "POST", "/sales/{sale}/tenders", {"type": "cash", "amount": 3500.0}, 400, None),
    ("a tender amount as text", "POST", "/sales/{sale}/tenders", {"type": "cash", "amount": "3500"}, 400, None),
    ("a zero tender", "POST", "/sales/{sale}/tenders", {"type": "cash", "amount": 0}, 400, None),
    ("a negative tender", "POST", "/sales/{sale}/tenders", {"type": "cash", "amount": -100}, 400, None),
    ("an unknown tender type", "POST", "/sales/{sale}/tenders", {"type": "cheque", "amount": 3500}, 400, None),
    ("a tender without its amount", "POST", "/sales/{sale}/tenders", {"type": "cash"}, 400, "invalid_request"),
    (
        "a card payment over what is due",
        "POST",
        "/sales/{sale}/tenders",
        {"type": "card", "amount": 3501},
        422,
        "tender_exceeds_due",
    ),
    (
        "an ewallet payment without its reference",
        "POST",
        "/sales/{sale}/tenders",
        {"type": "ewallet", "amount": 3500},
        422,
        "reference_required",
    ),
    ("removing an unknown payment", "DELETE", "/sales/{sale}/tenders/nope", None, 404, "unknown_tender"),
    (
        "a discount over 10% without approval",
        "POST",
        "/sales/{sale}/discounts",
        {"kind": "percent", "value": 11},
        403,
        "approval_required",
    ),
    (
        "a discount over 10% approved by a cashier",
        "POST",
        "/sales/{sale}/discounts",
        {"kind": "percent", "value": 50, "approval": {"staff_code": "1001", "pin": "1234"}},
        403,
        "not_a_manager",
    ),
    (
        "a discount approved with a wrong manager PIN",
        "POST",
        "/sales/{sale}/discounts",
        {"kind": "percent", "value": 50, "approval": {"staff_code": "9001", "pin": "0000"}},
        401,
        "bad_credentials",
    ),
    (
        "a discount over 100%",
        "POST",
        "/sales/{sale}/discounts",
        {"kind": "percent", "value": 101, "approval": MANAGER},
        422,
        "discount_over_100",
    ),
    ("a negative discount", "POST", "/sales/{sale}/discounts", {"kind": "amount", "value": -500}, 400, None),
    (
        "a discount of part of a Rupiah",
        "POST",
        "/sales/{sale}/discounts",
        {"kind": "amount", "value": 0.5},
        422,
        "bad_discount",
    ),
    ("a discount of an unknown kind", "POST", "/sales/{sale}/discounts", {"kind": "gratis", "value": 1}, 400, None),
    (
        "a discount on an unknown line",
        "POST",
        "/sales/{sale}/discounts",
        {"kind": "amount", "value": 1, "line_id": "x"},
        404,
        "unknown_line",
    ),
    ("a void without approval", "POST", "/sales/{sale}/void", {}, 403, "approval_required"),
    (
        "a void with a wrong manager PIN",
        "POST",
        "/sales/{sale}/void",
        {"approval": {"staff_code": "9001", "pin": "1"}},
        401,
        "bad_credentials",
    ),
    ("a void of a completed sale", "POST", "/sales/{done}/void", {"approval": MANAGER}, 409, None),
    ("resuming a sale that is not parked", "POST", "/sales/{sale}/resume", None, 409, None),
    ("parking a completed sale", "POST", "/sales/{done}/park", None, 409, None),
    (
        "a refund of more than was sold",
        "POST",
        "/refunds",
        {"sale_number": "{number}", "lines": [{"line_id": "{done_line}", "qty": 3}], "approval": MANAGER},
        422,
        "refund_exceeds_sold",
    ),
    (
        "a refund of the same line twice over what was sold",
        "POST",
        "/refunds",
        {
            "sale_number": "{number}",
            "lines": [{"line_id": "{done_line}", "qty": 2}, {"line_id": "{done_line}", "qty": 1}],
            "approval": MANAGER,
        },
        422,
        "refund_exceeds_sold",
    ),
    (
        "a refund without approval",
        "POST",
        "/refunds",
        {"sale_number": "{number}", "lines": [{"line_id": "{done_line}", "qty": 1}]},
        403,
        "approval_required",
    ),
    (
        "a refund of an unknown sale",
        "POST",
        "/refunds",
        {"sale_number": "TOKO-01-T1-999999", "lines": [{"line_id": "{done_line}", "qty": 1}], "approval": MANAGER},
        404,
        "unknown_sale",
    ),
    (
        "a refund of a line of another sale",
        "POST",
        "/refunds",
        {"sale_number": "{number}", "lines": [{"line_id": "{line}", "qty": 1}], "approval": MANAGER},
        422,
        "unknown_line",
    ),
    (
        "a refund of a sale that has no receipt number",
        "POST",
        "/refunds",
        {"sale_number": "{sale}", "lines": [{"line_id": "{line}", "qty": 1}], "approval": MANAGER},
        404,
        None,
    ),
    (
        "a refund of zero items",
        "POST",
        "/refunds",
        {"sale_number": "{number}", "lines": [{"line_id": "{done_line}", "qty": 0}], "approval": MANAGER},
        400,
        None,
    ),
    (
        "a refund with no lines",
        "POST",
        "/refunds",
        {"sale_number": "{number}", "lines": [], "approval": MANAGER},
        400,
        None,
    ),
    (
        "a refund without a sale number",
        "POST",
        "/refunds",
        {"lines": [{"line_id": "{done_line}", "qty": 1}]},
        400,
        "invalid_request",
    ),
    ("a second shift on the same till", "POST", "/shifts", {"opening_float": 100_000}, 409, "shift_open"),
    ("a shift float without its amount", "POST", "/shifts", {}, 400, "invalid_request"),
    ("a float in floats", "POST", "/shifts", {"opening_float": 150000.5}, 400, None),
    ("counted cash as a float", "POST", "/shifts/current/close", {"counted_cash": 1000.0}, 400, None),
    ("counted cash below zero", "POST", "/shifts/current/close", {"counted_cash": -1}, 400, None),
    ("closing with a sale still open", "POST", "/shifts/current/close", {"counted_cash": 207_000}, 409, "sales_open"),
    ("a stock card of an unknown sku", "GET", "/stock/NOPE", None, 404, "unknown_sku"),
    ("an unknown sale", "GET", "/sales/TOKO-01-T1-999999", None, 404, "unknown_sale"),
    ("a product search with nothing to search for", "GET", "/products", None, 422, "missing_field"),
    ("a product search with a limit that is not a number", "GET", "/products?q=aqua&limit=lots", None, 400, None),
    ("an unknown API path", "GET", "/nothing-here", None, 404, "not_found"),
    ("a method the path does not take", "PUT", "/sales", None, 405, "method_not_allowed"),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "code"),
    [c[1:] for c in BAD_INPUTS],
    ids=[c[0].replace(" ", "_") for c in BAD_INPUTS],
)
def test_a_bad_request_is_refused_with_a_clear_error_and_changes_nothing(
    shop: dict[str, Any], facts: Any, method: str, path: str, body: Any, status: int, code: str | None
) -> None:
    before = facts()
    resp = shop["api"].call(method, V1 + fill(path, shop), fill(body, shop))
    assert_refused(resp, status, code)
    assert facts() == before


@pytest.mark.parametrize(
    ("raw", "content_type"),
    [
        ('{"barcode": "8990000100010"', "application/json"),
        ("{barcode: 8990000100010}", "application/json"),
        ("barcode=8990000100010", "application/json"),
        ("", "application/json"),
        ("[]", "application/json"),
        ("null", "application/json"),
        ('{"barcode": "\\ud800"}', "application/json"),
        ("\xff\xfe", "application/json"),
        ('{"barcode": "8990000100010"}', "text/plain"),
    ],
)
def test_a_body_that_is_not_a_json_object_is_a_400_and_changes_nothing(
    shop: dict[str, Any], facts: Any, raw: str, content_type: str
) -> None:
    before = facts()
    resp = shop["api"].post(
        f"{V1}/sales/{shop['sale']}/lines", data=raw.encode("utf-8", "surrogatepass"), content_type=content_type
    )
    assert_refused(resp, 400, None)
    assert facts() == before


def test_malformed_json_is_named_as_such(shop: dict[str, Any]) -> None:
    resp = shop["api"].post(
        f"{V1}/sales/{shop['sale']}/tenders", data='{"type": "cash", "amount": 10', content_type="application/json"
    )
    assert assert_refused(resp, 400, "malformed_json")["message"] == "the request body is not valid JSON"


def test_a_missing_field_is_named_in_the_message(shop: dict[str, Any]) -> None:
    error = assert_refused(
        shop["api"].post(f"{V1}/sales/{shop['sale']}/tenders", {"type": "cash"}), 400, "invalid_request"
    )
    assert "amount" in error["message"]


def test_a_wrong_pin_is_refused_and_no_session_is_made(api: Any, facts: Any) -> None:
    before = facts()
    for body in ({"staff_code": "1001", "pin": "9999"}, {"staff_code": "5555", "pin": "1234"}):
        assert_refused(api.post(f"{V1}/session", body), 401, "bad_credentials")
    assert_refused(api.post(f"{V1}/session", {"staff_code": "1001"}), 400, "invalid_request")
    assert_refused(api.post(f"{V1}/session", {"staff_code": "1001", "pin": 1234}), 400, "invalid_request")
    assert facts() == before


def test_five_wrong_pins_lock_the_code_with_a_423_even_for_the_right_pin(api: Any) -> None:
    for _ in range(4):
        assert_refused(api.post(f"{V1}/session", {"staff_code": "1002", "pin": "0000"}), 401, "bad_credentials")
    assert_refused(api.post(f"{V1}/session", {"staff_code": "1002", "pin": "0000"}), 423, "locked")
    error = assert_refused(api.post(f"{V1}/session", {"staff_code": "1002", "pin": "2345"}), 423, "locked")
    assert "1002" in error["message"]


PROTECTED = [
    ("GET", "/session"),
    ("DELETE", "/session"),
    ("GET", "/products?barcode=" + AQUA_330),
    ("GET", "/stock/SKU-00001"),
    ("POST", "/shifts"),
    ("GET", "/shifts/current"),
    ("POST", "/shifts/current/close"),
    ("GET", "/reports/x"),
    ("POST", "/sales"),
    ("GET", "/sales/parked"),
    ("GET", "/sales/{sale}"),
    ("POST", "/sales/{sale}/lines"),
    ("PATCH", "/sales/{sale}/lines/{line}"),
    ("DELETE", "/sales/{sale}/lines/{line}"),
    ("POST", "/sales/{sale}/discounts"),
    ("POST", "/sales/{sale}/park"),
    ("POST", "/sales/{sale}/resume"),
    ("POST", "/sales/{sale}/void"),
    ("POST", "/sales/{sale}/tenders"),
    ("DELETE", "/sales/{sale}/tenders/x"),
    ("POST", "/sales/{sale}/complete"),
    ("POST", "/refunds"),
]
VALID_BODIES = {
    "/shifts": {"opening_float": 1},
    "/shifts/current/close": {"counted_cash": 1},
    "/sales/{sale}/lines": {"barcode": AQUA_330},
    "/sales/{sale}/lines/{line}": {"qty": 2},
    "/sales/{sale}/discounts": {"kind": "amount", "value": 1},
    "/sales/{sale}/void": {"approval": MANAGER},
    "/sales/{sale}/tenders": {"type": "cash", "amount": 3500},
    "/refunds": {"sale_number": "{number}", "lines": [{"line_id": "{done_line}", "qty": 1}], "approval": MANAGER},
}


@pytest.mark.parametrize("token", ["", "not-a-token", "Basic"], ids=["no_token", "an_invalid_token", "another_scheme"])
def test_without_a_valid_token_every_till_endpoint_answers_401_and_changes_nothing(
    shop: dict[str, Any], facts: Any, token: str
) -> None:
    api = shop["api"]
    before = facts()
    for method, path in PROTECTED:
        body = fill(VALID_BODIES.get(path), shop)
        headers = {"Authorization": "Basic MTAwMToxMjM0"} if token == "Basic" else {}
        resp = api.client.open(
            V1 + fill(path, shop),
            method=method,
            json=body,
            headers={**headers, **({"Authorization": f"Bearer {token}"} if token and token != "Basic" else {})},
        )
        assert resp.status_code == 401, f"{method} {path}: {resp.status_code}"
        assert_refused(resp, 401, "unauthenticated")
    assert facts() == before
