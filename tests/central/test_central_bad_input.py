"""Hostile bodies at the central store (a valid store token, forged content): NUL characters, nesting past 32 levels,
numbers beyond 64 bits and strings longer than their column are a 4xx naming the problem and change nothing, on
SQLite and on PostgreSQL (where each of them used to be a DataError and a 500)."""

from __future__ import annotations

import json
import threading
import uuid
from typing import Any

import pytest
from sqlalchemy import func, select, text
from synckit import STORE, central, pg_url, sale_payload  # noqa: F401
from test_central_admin import admin, csrf  # noqa: F401
from test_central_api import batch, event

from central.services import carts, loyalty
from central.tables import AppliedEvent, CentralBase, DeadLetter, OnlineCart, Sale

SKU = "SKU-00001"
MARK = '"@@"'  # where a template puts the hostile JSON text

HOSTILE = [
    # (what a forged body carries, its JSON text, status, error code)
    ("a NUL character", '"TOKO\\u000001"', 400, "nul_character"),
    ("nesting deeper than 32 levels", "[" * 40 + "]" * 40, 400, "too_deeply_nested"),
    ("nesting deep enough to exhaust the parser", "[" * 100_000 + "]" * 100_000, 400, "too_deeply_nested"),
    ("an integer beyond 64 bits", str(2**64), 422, "number_out_of_range"),
    ("an integer below the 64-bit minimum", str(-(2**63) - 1), 422, "number_out_of_range"),
    ("an integer of 5000 digits", "9" * 5000, 422, "number_out_of_range"),
    ("a number too large for a float", "1e400", 422, "number_out_of_range"),
    ("NaN", "NaN", 422, "number_out_of_range"),
]


def facts(central: Any, cart_id: str | None = None) -> dict[str, Any]:
    """Row counts of every central table, and the cart's claim: what a refused request must leave alone."""
    with central.ctx.db.sessions() as s:
        seen: dict[str, Any] = {
            t.name: s.scalar(select(func.count()).select_from(t)) for t in CentralBase.metadata.sorted_tables
        }
        if cart_id:
            cart = s.get(OnlineCart, cart_id)
            seen["cart"] = (cart.status, cart.fence, cart.claim_store) if cart else None
    return seen


def send(central: Any, method: str, path: str, template: dict[str, Any], hostile: str) -> Any:
    body = json.dumps(template).replace(MARK, hostile, 1)
    assert hostile in body, "the template has no place for the hostile value"
    return (
        central.extra["app"]
        .test_client()
        .open(
            path,
            method=method,
            data=body,
            content_type="application/json",
            headers={"Authorization": f"Bearer {central.token}"},
        )
    )


def assert_refused(resp: Any, status: int, code: str, field: str | None, case: str = "") -> str:
    assert resp.status_code == status, f"{case}: {resp.get_data(as_text=True)[:300]}"
    error = resp.get_json()["error"]
    assert error["code"] == code, f"{case}: {error}"
    if field and not error["message"].startswith("the request body"):  # too deep to walk: no field to name
        assert field in error["message"], f"{case}: {error}"
    return str(error["message"])


def push_template(place: str) -> dict[str, Any]:
    body = batch(event(1))
    if place == "batch_id":
        body["batch_id"] = "@@"
    elif place == "events.0.store_seq":
        body["events"][0]["store_seq"] = "@@"
    else:  # the payload: what the store recorded, checked by the hash only after parsing
        body["events"][0]["payload"]["lines"][0]["qty"] = "@@"
    return body


def test_a_hostile_value_anywhere_in_a_push_is_refused_naming_where_and_nothing_is_applied(central):
    before = facts(central)
    for what, hostile, status, code in HOSTILE:
        for place in ("batch_id", "events.0.store_seq", "events.0.payload.lines.0.qty"):
            resp = send(central, "POST", "/api/v1/sync/push", push_template(place), hostile)
            assert_refused(resp, status, code, place, f"{what} at {place}")
    assert facts(central) == before


def test_hostile_pushes_sent_alongside_a_stores_real_pushes_leave_them_untouched(central):
    """Over real HTTP with threads at once: every hostile batch is refused, every real sale is applied once."""
    import requests

    url, headers = (
        central.url + "/api/v1/sync/push",
        {"Authorization": f"Bearer {central.token}", "Content-Type": "application/json"},
    )
    refused: list[int] = []
    errors: list[str] = []

    def hostile(kinds: list[tuple[str, str, int, str]]) -> None:
        with requests.Session() as http:
            for _ in range(3):
                for what, raw, status, _code in kinds:
                    body = json.dumps(push_template("events.0.payload.lines.0.qty")).replace(MARK, raw, 1)
                    got = http.post(url, data=body, headers=headers, timeout=30).status_code
                    if got == status:
                        refused.append(got)
                    else:
                        errors.append(f"{what}: {got}")

    def real() -> None:
        with requests.Session() as http:
            for seq in range(1, 11):
                resp = http.post(url, json=batch(event(seq)), headers=headers, timeout=30)
                if resp.status_code != 200 or resp.json()["results"][0]["outcome"] != "applied":
                    errors.append(f"sale {seq}: {resp.status_code} {resp.text[:200]}")

    threads = [threading.Thread(target=real)] + [
        threading.Thread(target=hostile, args=(HOSTILE[i::2],)) for i in range(2)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors and len(refused) == 3 * len(HOSTILE)
    assert central.count(Sale) == 10 and central.count(AppliedEvent) == 10 and central.count(DeadLetter) == 0


def test_a_nul_character_in_a_key_and_a_body_that_is_a_json_string_are_refused(central):
    before = facts(central)
    body = batch(event(1))
    body["events"][0]["payload"]["x\x00"] = 1
    message = assert_refused(send(central, "POST", "/api/v1/sync/push", body, ""), 400, "nul_character", None)
    assert "events.0.payload" in message
    # flask-openapi3 would parse a JSON string body once more: the inner document must not slip past the checks
    inner = json.dumps(json.dumps({"name": "Ani\x00", "phone": "081234567890"}))
    resp = (
        central.extra["app"]
        .test_client()
        .post(
            "/api/v1/loyalty/members",
            data=inner,
            content_type="application/json",
            headers={"Authorization": f"Bearer {central.token}"},
        )
    )
    assert_refused(resp, 400, "not_an_object", None)
    assert facts(central) == before


LOYALTY = [
    ("POST", "/api/v1/loyalty/members", {"name": "@@", "phone": "081234567890"}, "name"),
    ("POST", "/api/v1/loyalty/members/lookup", {"number": "@@"}, "number"),
    (
        "POST",
        "/api/v1/loyalty/holds",
        {"hold_id": str(uuid.uuid4()), "member_id": "{member}", "points": "@@"},
        "points",
    ),
    (
        "POST",
        "/api/v1/loyalty/holds",
        {"hold_id": str(uuid.uuid4()), "member_id": "{member}", "points": 1, "sale_id": "@@"},
        "sale_id",
    ),
]


def test_a_hostile_value_in_a_loyalty_request_is_refused_and_changes_nothing(central):
    member = loyalty.sign_up(central.ctx, "Siti", "081200000001")["id"]
    before = facts(central)
    for what, hostile, status, code in HOSTILE:
        for method, path, template, field in LOYALTY:
            body = {k: v.format(member=member) if isinstance(v, str) else v for k, v in template.items()}
            assert_refused(send(central, method, path, body, hostile), status, code, field, f"{what} in {path} {field}")
    assert facts(central) == before


def test_a_nul_character_in_the_address_or_query_is_refused(central):
    client = central.extra["app"].test_client()
    headers = {"Authorization": f"Bearer {central.token}"}
    before = facts(central)
    for resp in (
        client.post("/api/v1/loyalty/holds/ab%00cd/post", json={}, headers=headers),
        client.get("/api/v1/loyalty/holds?state=held%00", headers=headers),
        client.get("/api/v1/sync/pull?cursor=%00", headers=headers),
        client.get("/shop/?q=aqua%00"),
    ):
        assert resp.status_code == 400 and resp.get_json()["error"]["code"] == "nul_character"
    assert facts(central) == before


@pytest.fixture
def cart(central) -> dict[str, Any]:
    return carts.add_item(central.ctx, None, SKU, 2)


def cart_templates(cart_id: str, code: str) -> list[tuple[str, str, dict[str, Any], str]]:
    checkout = {
        "device_id": "T1",
        "fence": 1,
        "checkout_id": str(uuid.uuid4()),
        "sale_id": str(uuid.uuid4()),
        "number": "TOKO-01-T1-000001",
        "total": 7000,
    }
    return [
        ("POST", "/api/v1/carts/claim", {"code": "@@", "device_id": "T1"}, "code"),
        ("POST", "/api/v1/carts/claim", {"code": code, "device_id": "T1", "fence": "@@"}, "fence"),
        ("POST", f"/api/v1/carts/{cart_id}/checkout", {**checkout, "checkout_id": "@@"}, "checkout_id"),
        ("POST", f"/api/v1/carts/{cart_id}/checkout", {**checkout, "total": "@@"}, "total"),
    ]


def test_a_hostile_value_in_a_cart_request_is_refused_and_the_cart_stays_open(central, cart):
    before = facts(central, cart["id"])
    for what, hostile, status, code in HOSTILE:
        for method, path, template, field in cart_templates(cart["id"], cart["code"]):
            assert_refused(send(central, method, path, template, hostile), status, code, field, f"{what} in {field}")
    assert facts(central, cart["id"]) == before and before["cart"][0] == "open"


TOO_LONG = [
    ("POST", "/api/v1/sync/push", lambda: {**batch(event(1)), "batch_id": "b" * 65}, "batch_id"),
    ("POST", "/api/v1/sync/push", lambda: batch({**event(1), "device_id": "T" * 33}), "events.0.device_id"),
    ("POST", "/api/v1/loyalty/members", lambda: {"name": "N" * 81, "phone": "081234567890"}, "name"),
    ("POST", "/api/v1/loyalty/members", lambda: {"name": "Ani", "phone": "0812", "email": "e" * 121}, "email"),
    ("POST", "/api/v1/carts/claim", lambda: {"code": "K" * 81, "device_id": "T1"}, "code"),
]


@pytest.mark.parametrize(
    ("method", "path", "make", "field"),
    TOO_LONG,
    ids=["batch_id", "device_id", "member_name", "member_email", "cart_code"],
)
def test_a_string_longer_than_its_column_is_a_400_naming_the_field(central, method, path, make, field):
    before = facts(central)
    resp = (
        central.extra["app"]
        .test_client()
        .open(path, method=method, json=make(), headers={"Authorization": f"Bearer {central.token}"})
    )
    assert_refused(resp, 400, "invalid_request", field)
    assert facts(central) == before


def test_admin_forms_refuse_a_nul_character_a_number_beyond_its_column_and_an_over_long_name(admin, central):
    page = admin.get("/admin/products/SKU-00001").get_data(as_text=True)
    product = {
        "csrf_token": csrf(page),
        "sku": "SKU-00001",
        "name": "Aqua",
        "price": "3500",
        "tax_group": "PPN",
        "active": "y",
    }
    promotion = {"csrf_token": csrf(page), "name": "Hemat", "kind": "amount", "value": "500", "skus": SKU}
    before = facts(central)
    resp = admin.post("/admin/products/SKU-00001", data={**product, "name": "Aqua\x00"})
    assert resp.status_code == 400 and resp.get_json()["error"]["code"] == "nul_character"
    assert "name" in resp.get_json()["error"]["message"]
    resp = admin.post("/admin/products/SKU-00001", data={**product, "name": "A" * 121})
    assert resp.status_code == 400 and "120 characters" in resp.get_data(as_text=True)
    resp = admin.post("/admin/promotions", data={**promotion, "value": str(2**70)})
    assert resp.status_code in (400, 422) and "Rp 999.999.999.999" in resp.get_data(as_text=True)
    assert facts(central) == before


def test_an_integer_past_the_fence_column_is_a_clear_refusal_not_a_500(central, cart):
    """The fence column is 32-bit; the schema allows up to 2**53: the refusal comes from the claim's rule."""
    client = central.extra["app"].test_client()
    headers = {"Authorization": f"Bearer {central.token}"}
    before = facts(central, cart["id"])
    resp = client.post(
        "/api/v1/carts/claim", json={"code": cart["code"], "device_id": "T1", "fence": 2**53}, headers=headers
    )
    assert 400 <= resp.status_code < 500 and resp.get_json()["error"]["message"]
    assert facts(central, cart["id"]) == before


def test_a_value_the_database_refuses_is_a_422_naming_the_problem_and_rolls_back(pg_url):
    """The last resort behind the guard and the schemas: a DataError raised by a real PostgreSQL statement."""
    from flask import Flask

    from central.db import central_database
    from common.web.errors import register_error_handlers

    db = central_database(pg_url)
    app = Flask("data_error")
    register_error_handlers(app)

    @app.post("/api/v1/tiny")
    def tiny():  # type: ignore[no-untyped-def]
        with db.unit_of_work() as s:
            s.execute(text("CREATE TEMP TABLE IF NOT EXISTS tiny (v smallint)"))
            s.execute(text("INSERT INTO tiny VALUES (:v)"), {"v": 70_000})
        return {}

    try:
        resp = app.test_client().post("/api/v1/tiny", json={})
        assert resp.status_code == 422
        error = resp.get_json()["error"]
        assert error["code"] == "value_does_not_fit" and "out of range" in error["message"]
        assert "INSERT" not in error["message"]  # the statement stays in the log, out of the answer
    finally:
        db.dispose()
