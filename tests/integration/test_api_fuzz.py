"""Random JSON thrown at the sales endpoints never gets a 500: every answer is a success or a clear 4xx."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

AQUA_330 = "8990000100010"  # demo data, as in tests/conftest.py
V1 = "/api/v1"

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(-10, 10**6)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40)
    | st.sampled_from(
        [
            AQUA_330,
            "SKU-00001",
            "cash",
            "card",
            "qris",
            "ewallet",
            "amount",
            "percent",
            "9001",
            "{line}",
            "{done_line}",
            "{number}",
            "12.5",
            "-1",
            "1e400",
            "",
        ]
    )
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=5),
    max_leaves=12,
)


def fields(**options: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Bodies with the endpoint's own field names, each left out, well typed or any JSON at random."""
    return st.fixed_dictionaries({}, optional={k: v | json_values for k, v in options.items()})


amounts = st.integers(-10, 10**14) | st.sampled_from([1, 3_500, 10_000])
approvals = st.fixed_dictionaries(
    {}, optional={"staff_code": st.sampled_from(["9001", "1001", "x"]), "pin": st.sampled_from(["0000", "1", ""])}
)
refund_lines = st.lists(
    fields(line_id=st.sampled_from(["{done_line}", "{line}", "x"]), qty=st.integers(-2, 4)), max_size=3
)
SALES_ENDPOINTS: dict[tuple[str, str], st.SearchStrategy[Any]] = {
    ("POST", "/sales/{sale}/lines"): fields(
        barcode=st.sampled_from([AQUA_330, "8991234567890", ""]),
        sku=st.sampled_from(["SKU-00001", "SKU-99999"]),
        qty=st.integers(-3, 10_001),
    ),
    ("PATCH", "/sales/{sale}/lines/{line}"): fields(qty=st.integers(-3, 10_001)),
    ("POST", "/sales/{sale}/discounts"): fields(
        kind=st.sampled_from(["amount", "percent", "free"]),
        value=st.integers(-1, 20_000) | st.decimals(-1, 200, places=3).map(str) | st.floats(0, 200),
        line_id=st.sampled_from(["{line}", "{done_line}", "x"]),
        approval=approvals,
    ),
    ("POST", "/sales/{sale}/tenders"): fields(
        type=st.sampled_from(["cash", "card", "qris", "ewallet", "gold"]),
        amount=amounts,
        reference=st.text(max_size=70),
    ),
    ("POST", "/sales/{sale}/park"): json_values,
    ("POST", "/sales/{sale}/resume"): json_values,
    ("POST", "/sales/{sale}/void"): fields(approval=approvals, reason=st.text(max_size=210)),
    ("POST", "/sales/{sale}/complete"): json_values,
    ("POST", "/sales/{done}/complete"): json_values,
    ("POST", "/sales"): json_values,
    ("POST", "/refunds"): fields(
        sale_number=st.sampled_from(["{number}", "{sale}", "X"]),
        lines=refund_lines,
        approval=approvals,
        tender_type=st.sampled_from(["cash", "card", "gold"]),
        reason=st.text(max_size=210),
    ),
}


def ok(resp: Any, status: int = 200) -> Any:
    assert resp.status_code == status, resp.get_data(as_text=True)
    return resp.get_json()


@pytest.fixture
def shop(till_api: Any) -> dict[str, Any]:
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


def with_ids(text: str, shop: dict[str, Any]) -> str:
    for key in ("sale", "line", "done", "number", "done_line"):
        text = text.replace("{" + key + "}", shop[key])
    return text


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(endpoint=st.sampled_from(sorted(SALES_ENDPOINTS)), data=st.data())
def test_random_json_bodies_on_the_sales_endpoints_never_give_a_server_error(
    shop: dict[str, Any], endpoint: tuple[str, str], data: st.DataObject
) -> None:
    method, path = endpoint
    body = data.draw(SALES_ENDPOINTS[endpoint] | json_values, label="body")
    raw = with_ids(json.dumps(body), shop)
    # Api.call fails the test on any 5xx, naming the request.
    resp = shop["api"].call(method, V1 + with_ids(path, shop), data=raw, content_type="application/json")
    if resp.status_code >= 400:
        error = resp.get_json()["error"]
        assert isinstance(error["code"], str) and isinstance(error["message"], str)
