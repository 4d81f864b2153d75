"""The kiosk's JSON API and the till's side of the handoff, over HTTP: good paths, bad input, and the live event."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import text

from pos.services.context import StoreContext
from pos.services.kiosk_devices import HEADER as KIOSK_HEADER

AQUA_330 = "8990000100010"  # SKU-00001, Rp 3.500
AQUA = "SKU-00001"
AQUA_600 = "SKU-00002"  # Rp 4.500
K = "/api/v1/kiosk"


def ok(resp: Any, status: int = 200) -> Any:
    assert resp.status_code == status, resp.get_data(as_text=True)
    return resp.get_json()


def refused(resp: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert resp.status_code == status, resp.get_data(as_text=True)
    error = resp.get_json()["error"]
    assert isinstance(error["code"], str) and error["message"], error
    if code:
        assert error["code"] == code, error
    return error


def kiosk_rows(store: StoreContext) -> list[tuple[Any, ...]]:
    with store.db.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text("SELECT * FROM kiosk_carts ORDER BY created_at"))]


def test_a_shopper_browses_checks_a_price_and_searches_without_signing_in(api: Any) -> None:
    cats = ok(api.get(f"{K}/categories"))["items"]
    assert {"drinks", "snacks", "fresh"} <= {c["code"] for c in cats}
    page = ok(api.get(f"{K}/products?category=drinks&limit=4"))
    assert len(page["items"]) == 4 and page["more"] is True
    more = ok(api.get(f"{K}/products?category=drinks&limit=4&offset=4"))
    assert not {p["sku"] for p in page["items"]} & {p["sku"] for p in more["items"]}
    price = ok(api.get(f"{K}/products?barcode={AQUA_330}"))["items"][0]
    assert (price["name"], price["price"], price["in_stock"]) == ("Air Mineral Aqua 330ml", 3_500, True)
    found = ok(api.get(f"{K}/products?q=indomie%20goreng"))["items"]
    assert found and all("Indomie Goreng" in p["name"] for p in found)


@pytest.mark.parametrize(
    "query, status, code",
    [
        ("barcode=8991234567890", 404, "unknown_barcode"),
        ("category=nope", 404, "unknown_category"),
        ("", 422, "missing_field"),
        ("barcode=89%20900", 400, "invalid_request"),
        ("category=drinks&limit=0", 400, "invalid_request"),
        ("category=drinks&limit=5000", 400, "invalid_request"),
        ("category=drinks&offset=-1", 400, "invalid_request"),
    ],
)
def test_a_price_check_with_bad_input_is_refused_clearly(api: Any, query: str, status: int, code: str) -> None:
    refused(api.get(f"{K}/products?{query}"), status, code)


def test_the_kiosk_cart_is_priced_by_the_server(api: Any) -> None:
    quote = ok(api.post(f"{K}/cart/quote", {"lines": [{"sku": AQUA, "qty": 2}, {"sku": AQUA_600}]}))
    assert (quote["items"], quote["total"]) == (3, 11_500)
    assert ok(api.post(f"{K}/cart/quote", {"lines": []})) == {"lines": [], "items": 0, "total": 0}


BAD_CARTS = [
    ("no lines at all", {}, 400, "invalid_request"),
    ("an empty cart", {"lines": []}, 400, "invalid_request"),
    ("a zero quantity", {"lines": [{"sku": AQUA, "qty": 0}]}, 400, "invalid_request"),
    ("a quantity as text", {"lines": [{"sku": AQUA, "qty": "2"}]}, 400, "invalid_request"),
    ("a fractional quantity", {"lines": [{"sku": AQUA, "qty": 1.5}]}, 400, "invalid_request"),
    ("too many of one item", {"lines": [{"sku": AQUA, "qty": 100}]}, 400, "invalid_request"),
    (
        "the same item adding up to too many",
        {"lines": [{"sku": AQUA, "qty": 60}, {"sku": AQUA, "qty": 60}]},
        422,
        "bad_quantity",
    ),
    ("an unknown SKU", {"lines": [{"sku": "SKU-99999", "qty": 1}]}, 404, "unknown_sku"),
    ("a price sent by the browser", {"lines": [{"sku": AQUA, "qty": 1, "price": 1}]}, 400, "invalid_request"),
    ("a device id with markup", {"lines": [{"sku": AQUA}], "device_id": "<b>"}, 400, "invalid_request"),
    ("lines that are not a list", {"lines": "SKU-00001"}, 400, "invalid_request"),
]


@pytest.mark.parametrize("what, body, status, code", BAD_CARTS, ids=[b[0] for b in BAD_CARTS])
def test_sending_a_bad_cart_to_the_till_is_refused_and_stores_nothing(
    api: Any, store: StoreContext, facts: Any, what: str, body: dict[str, Any], status: int, code: str
) -> None:
    before = facts()
    refused(api.post(f"{K}/carts", body), status, code)
    assert facts() == before and kiosk_rows(store) == []


def test_malformed_json_is_a_400_not_a_500(api: Any, store: StoreContext) -> None:
    resp = api.post(f"{K}/carts", data="{lines: [", headers={"Content-Type": "application/json"})
    refused(resp, 400)
    assert kiosk_rows(store) == []


def test_sending_to_the_till_gives_a_ticket_with_a_qr_that_only_this_store_draws(api: Any) -> None:
    ticket = ok(
        api.post(f"{K}/carts", {"lines": [{"sku": AQUA, "qty": 2}, {"sku": AQUA_600}], "device_id": "kiosk-1"}), 201
    )
    assert (ticket["code"], ticket["items"], ticket["total"], ticket["state"]) == ("K-1", 3, 11_500, "sent")
    assert len(ticket["qr_payload"]) <= 64, "the till's scan field takes at most 64 characters"
    svg = api.get(f"/kiosk/ticket.svg?p={ticket['qr_payload']}")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml" and b"<svg" in svg.data
    forged = ticket["qr_payload"][:-1] + ("0" if ticket["qr_payload"][-1] != "0" else "1")
    assert api.get(f"/kiosk/ticket.svg?p={forged}").status_code == 404
    assert api.get("/kiosk/ticket.svg?p=hello").status_code == 404


def test_online_carts_answer_that_they_are_not_connected_yet(api: Any) -> None:
    # 503 on purpose (a service not there yet), so straight through the client: Api.post fails any 5xx.
    paired = {KIOSK_HEADER: api.kiosk_token}
    refused(
        api.client.post(f"{K}/online-carts/open", json={"code": "K7Q-42P"}, headers=paired),
        503,
        "online_carts_not_connected",
    )
    refused(api.post(f"{K}/online-carts/open", {"code": "<script>"}), 422, "bad_cart_code")
    refused(api.post(f"{K}/online-carts/open", {"code": ""}), 400, "invalid_request")


def test_a_kiosk_past_its_carts_a_minute_hears_it_is_busy_and_how_long_to_wait(api: Any) -> None:
    api.app.extensions["omnitoko"].config.kiosk.carts_per_minute = 2
    for _ in range(2):
        refused(api.post(f"{K}/online-carts/open", {"code": "<bad>"}), 422, "bad_cart_code")
    limited = api.post(f"{K}/online-carts/open", {"code": "K7Q-42P"})
    error = refused(limited, 429, "kiosk_rate_limited")
    wait = int(limited.headers["Retry-After"])
    assert 1 <= wait <= 60 and error["wait_seconds"] == wait, (limited.headers, error)
    assert error["message"].startswith("this kiosk is busy: wait") and "try again" in error["message"]
    said = refused(api.post(f"{K}/carts", {"lines": [{"sku": AQUA, "qty": 1}]}, headers={"Accept-Language": "id"}), 429)
    assert said["message"].startswith("Kios ini sedang sibuk: tunggu ") and " detik" in said["message"], said
    # What the kiosk page says (core.js problem): its own catalog, both languages, with the seconds to wait.
    html = api.get("/kiosk/").get_data(as_text=True)
    texts = json.loads(html.split('<script id="kiosk-texts" type="application/json">')[1].split("</script>")[0])
    assert texts["id"]["busy_wait"] == "Kios sedang sibuk. Coba lagi dalam {n} detik."
    assert texts["en"]["busy_wait"] == "The kiosk is busy. Please try again in {n} seconds."
    assert "sibuk" in texts["id"]["busy"] and "busy" in texts["en"]["busy"]


SCANS_ON_THE_POINTS_STEP = [
    ("a product's barcode", AQUA_330, {"kind": "product"}),
    ("a barcode this store does not sell", "8991234567890", {"kind": "unknown_barcode", "code": "8991234567890"}),
    ("an online cart's QR", "OC1.{shop}.k7q-42p", {"kind": "online_cart", "code": "K7Q-42P"}),
    ("an online cart's code as typed", "K7Q42P", {"kind": "online_cart", "code": "K7Q-42P"}),
    ("another shop's cart QR", "OC1.tokolain.K7Q-42P", {"kind": "online_cart", "code": None, "other_shop": "tokolain"}),
    ("a kiosk ticket's code", "K-12", {"kind": "till_ticket"}),
    ("a kiosk ticket's QR", "K1.5d9d3a55-8a51-4b7e-9f6a-0c0d7d6b0001.0123456789abcdef0123", {"kind": "till_ticket"}),
    ("a paid online order's QR", "OO1.K7Q42P", {"kind": "online_order"}),
    ("a web address", "https://example.com/promo", {"kind": "unknown"}),
    ("words", "hello world", {"kind": "unknown"}),
]


@pytest.mark.parametrize("what, scan, scanned", SCANS_ON_THE_POINTS_STEP, ids=[s[0] for s in SCANS_ON_THE_POINTS_STEP])
def test_the_points_step_says_what_was_scanned_when_it_is_not_a_member_qr(
    api: Any, store: StoreContext, what: str, scan: str, scanned: dict[str, Any]
) -> None:
    error = refused(
        api.post(f"{K}/points", {"card": scan.format(shop=store.config.loyalty.shop_id)}), 422, "not_a_card"
    )
    assert {k: error["scanned"].get(k) for k in scanned} == scanned, error
    if scanned["kind"] == "product":  # shown as the price check shows it, so the kiosk can offer that step
        assert error["scanned"]["product"] == ok(api.get(f"{K}/products?barcode={scan}"))["items"][0]


def test_a_broken_member_qr_on_the_points_step_keeps_its_own_refusal(api: Any) -> None:
    error = refused(api.post(f"{K}/points", {"card": "OTK1.garbage"}), 422, "card_damaged")
    assert "scanned" not in error


@pytest.mark.parametrize("what, scan, scanned", SCANS_ON_THE_POINTS_STEP, ids=[s[0] for s in SCANS_ON_THE_POINTS_STEP])
def test_every_other_step_asks_what_a_scan_is_and_hears_what_the_points_step_hears(
    api: Any, store: StoreContext, what: str, scan: str, scanned: dict[str, Any]
) -> None:
    code = scan.format(shop=store.config.loyalty.shop_id)
    said = ok(api.post(f"{K}/scan", {"code": code}, headers={KIOSK_HEADER: ""}))  # an unpaired kiosk may ask too
    assert said == refused(api.post(f"{K}/points", {"card": code}), 422, "not_a_card")["scanned"]
    assert {k: said.get(k) for k in scanned} == scanned, said


def test_asking_what_a_scan_is_names_a_member_qr_and_opens_no_cart(api: Any, store: StoreContext) -> None:
    assert ok(api.post(f"{K}/scan", {"code": "OTK1.garbage"})) == {"kind": "member"}  # the points step judges it
    for _ in range(store.config.kiosk.carts_per_minute + 1):  # stray scans use none of the kiosk's cart opens
        ok(api.post(f"{K}/scan", {"code": "https://example.com/promo"}))
    paired = {KIOSK_HEADER: api.kiosk_token}
    opened = api.client.post(f"{K}/online-carts/open", json={"code": "K7Q-42P"}, headers=paired)
    refused(opened, 503, "online_carts_not_connected")
    refused(api.post(f"{K}/scan", {"code": ""}), 400, "invalid_request")


def test_the_till_sees_waiting_carts_and_takes_one_once(till_api: Any, store: StoreContext) -> None:
    kiosk = till_api.client  # the kiosk calls carry no till token, only the paired kiosk's device token
    paired = {KIOSK_HEADER: till_api.kiosk_token}
    sent = kiosk.post(f"{K}/carts", json={"lines": [{"sku": AQUA, "qty": 2}]}, headers=paired).get_json()
    waiting = ok(till_api.get("/api/v1/kiosk-carts"))["items"]
    assert [(w["code"], w["items"], w["total"]) for w in waiting] == [("K-1", 2, 7_000)]
    got = ok(till_api.post("/api/v1/kiosk-carts/take", {"code": sent["qr_payload"]}))
    assert got["kiosk_cart"]["code"] == "K-1"
    assert [(l["sku"], l["qty"]) for l in got["sale"]["lines"]] == [(AQUA, 2)] and got["sale"]["total"] == 7_000
    rows_after_take = kiosk_rows(store)
    error = refused(till_api.post("/api/v1/kiosk-carts/take", {"code": "K-1"}), 409, "ticket_taken")
    assert "T1" in error["message"] and kiosk_rows(store) == rows_after_take
    assert ok(till_api.get("/api/v1/kiosk-carts"))["items"] == []


@pytest.mark.parametrize(
    "body, status, code",
    [
        ({"code": "K-77"}, 404, "unknown_ticket"),
        ({"code": "not a ticket"}, 422, "bad_ticket"),
        ({"code": ""}, 400, "invalid_request"),
        ({}, 400, "invalid_request"),
        ({"code": "K-1", "extra": 1}, 400, "invalid_request"),
    ],
)
def test_taking_a_bad_ticket_is_refused(till_api: Any, body: dict[str, Any], status: int, code: str) -> None:
    refused(till_api.post("/api/v1/kiosk-carts/take", body), status, code)


def test_the_till_side_needs_a_signed_in_cashier(api: Any) -> None:
    refused(api.get("/api/v1/kiosk-carts"), 401)
    refused(api.post("/api/v1/kiosk-carts/take", {"code": "K-1"}), 401)


def test_every_till_hears_kiosk_cart_ready_live(api: Any) -> None:
    from pos.web.app import socketio_of

    socketio = socketio_of(api.app)
    till_t1 = socketio.test_client(api.app, flask_test_client=api.client)
    till_t1.emit("join", {"till": "T1"}, callback=True)
    till_t2 = socketio.test_client(api.app, flask_test_client=api.client)
    till_t2.emit("join", {"till": "T2"}, callback=True)
    for client in (till_t1, till_t2):
        client.get_received()
    ok(api.post(f"{K}/carts", {"lines": [{"sku": AQUA, "qty": 3}]}), 201)
    for client in (till_t1, till_t2):
        events = [e for e in client.get_received() if e["name"] == "kiosk_cart_ready"]
        assert [(e["args"][0]["code"], e["args"][0]["items"], e["args"][0]["total"]) for e in events] == [
            ("K-1", 3, 10_500)
        ]
    till_t1.disconnect()
    till_t2.disconnect()


def test_the_kiosk_page_speaks_indonesian_first_and_takes_a_short_idle_for_tests(api: Any) -> None:
    page = api.get("/kiosk/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'lang="id"' in html
    for words in ("Cek harga", "Poin saya", "Ambil keranjang online", "Check a price"):
        assert words in html
    settings = json.loads(html.split('<script id="kiosk-settings" type="application/json">')[1].split("</script>")[0])
    assert (settings["idleSeconds"], settings["countdownSeconds"]) == (60, 10)
    short = api.get("/kiosk/?idle=3&countdown=2&lang=en").get_data(as_text=True)
    assert '"idleSeconds": 3' in short and '"countdownSeconds": 2' in short and 'lang="en"' in short
    assert api.get("/kiosk/?idle=abc").status_code == 200
