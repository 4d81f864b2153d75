"""The store server's online-cart endpoints over HTTP: the kiosk opens, sends or lets go; the till takes a code;
bad input is a clear 4xx (never a 500) and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from cartkit import AQUA_330, AQUA_600, new_cart
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from synckit import central, connect_store, pg_url  # noqa: F401

from central.tables import CartOrder, OnlineCart

K = "/api/v1/kiosk/online-carts"


@pytest.fixture
def connected(store, central):  # type: ignore[no-untyped-def]
    connect_store(store, central)
    return central


def ok(resp: Any, status: int = 200) -> Any:
    assert resp.status_code == status, resp.get_data(as_text=True)
    return resp.get_json()


def error(resp: Any) -> tuple[int, str]:
    return resp.status_code, resp.get_json()["error"]["code"]


def pay(api: Any, sale: dict) -> dict:  # type: ignore[type-arg]
    ok(api.post(f"/api/v1/sales/{sale['id']}/tenders", {"type": "cash", "amount": sale["total"]}), 201)
    return ok(api.post(f"/api/v1/sales/{sale['id']}/complete"))


def test_kiosk_open_send_and_till_take_then_pay(connected, till_api):
    cart = new_cart(connected.ctx, [(AQUA_330, 2), (AQUA_600, 1)])
    opened = ok(
        till_api.post(f"{K[:-13]}/online-carts/open", {"code": cart["code"].lower().replace("-", "")}, token="")
    )
    assert (opened["code"], opened["confirmed"], opened["total"]) == (cart["code"], True, 11_500)
    ticket = ok(till_api.post(f"{K}/{opened['open_id']}/send", {"device_id": "kiosk-2"}, token=""), 201)
    assert ticket["code"].startswith("K-") and ticket["online_cart"]["code"] == cart["code"]
    again = till_api.post(f"{K}/{opened['open_id']}/send", {}, token="")
    assert error(again) == (409, "online_cart_moved_on")
    assert error(till_api.post(f"{K[:-13]}/online-carts/open", {"code": cart["code"]}, token="")) == (
        409,
        "cart_claimed",
    )

    taken = ok(till_api.post("/api/v1/kiosk-carts/take", {"code": ticket["qr_payload"]}))
    assert taken["kiosk_cart"]["online_cart"]["code"] == cart["code"]
    done = pay(till_api, taken["sale"])
    assert done["online_cart"]["recorded_at_central"] is True
    assert connected.count(CartOrder, CartOrder.sale_id == done["id"]) == 1


def test_the_till_takes_an_online_cart_by_its_code_and_a_released_cart_is_open_again(connected, till_api):
    first = new_cart(connected.ctx, [(AQUA_330, 1)])
    opened = ok(till_api.post(f"{K[:-13]}/online-carts/open", {"code": first["code"]}, token=""))
    assert ok(till_api.post(f"{K}/{opened['open_id']}/release", token=""))["state"] == "released"
    status = connected.rows(OnlineCart.__table__.select().where(OnlineCart.id == first["id"]))[0].status
    assert status == "open", "the kiosk gave the claim back: open online at once"

    taken = ok(till_api.post("/api/v1/online-carts/take", {"code": first["code"]}))
    assert taken["kiosk_cart"]["kind"] == "online" and [l["qty"] for l in taken["sale"]["lines"]] == [1]
    assert pay(till_api, taken["sale"])["online_cart"]["code"] == first["code"]


def test_the_till_endpoint_needs_a_sign_in_and_bad_input_is_a_clear_4xx(connected, api):
    assert error(api.post("/api/v1/online-carts/take", {"code": "K7Q-42P"})) == (401, "unauthenticated")
    api.sign_in()
    assert error(api.post("/api/v1/online-carts/take", {"code": "K7Q-42P"})) == (422, "no_open_shift")
    for path in (f"{K}/not-an-id/send", f"{K}/{'0' * 36}/release"):
        assert api.post(path, {}, token="").status_code in (400, 404)
    assert error(api.post(f"{K}/{'0' * 36}/send", {}, token="")) == (404, "unknown_open_cart")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.recursive(
        st.none()
        | st.booleans()
        | st.integers()
        | st.text(max_size=90)
        | st.sampled_from(["K7Q-42P", "OC1.omnitoko.K7Q-42P", "OC1.x.K7Q-42P", "kiosk", ""]),
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(st.sampled_from(["code", "device_id", "x"]), inner, max_size=3)
        ),
        max_leaves=8,
    )
)
def test_random_json_never_gets_a_500(connected, till_api, body):
    for path in (f"{K[:-13]}/online-carts/open", f"{K}/{'1' * 36}/send", f"{K}/{'1' * 36}/release"):
        assert till_api.post(path, body, token="").status_code < 500
    assert till_api.post("/api/v1/online-carts/take", body).status_code < 500
