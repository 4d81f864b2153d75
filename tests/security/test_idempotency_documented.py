"""Issue 15, point 7: the store's OpenAPI document says which writes take an Idempotency-Key (open sale, add
tender, complete, refund, cart take) and which kiosk calls need the paired kiosk's X-Kiosk-Device header."""

from __future__ import annotations

from typing import Any

IDEMPOTENT = {
    ("post", "/api/v1/sales"),
    ("post", "/api/v1/sales/{sale_id}/tenders"),
    ("post", "/api/v1/sales/{sale_id}/pay"),
    ("post", "/api/v1/sales/{sale_id}/complete"),
    ("post", "/api/v1/refunds"),
    ("post", "/api/v1/kiosk-carts/take"),
    ("post", "/api/v1/online-carts/take"),
}
PAIRED_KIOSK = {
    ("post", "/api/v1/kiosk/carts"),
    ("post", "/api/v1/kiosk/online-carts/open"),
    ("post", "/api/v1/kiosk/online-carts/{open_id}/send"),
    ("post", "/api/v1/kiosk/online-carts/{open_id}/release"),
    ("post", "/api/v1/kiosk/points"),
    ("post", "/api/v1/kiosk/members"),
}


def headers_of(doc: dict[str, Any], name: str) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method, path): p
        for path, ops in doc["paths"].items()
        for method, op in ops.items()
        for p in op.get("parameters", [])
        if p["in"] == "header" and p["name"] == name
    }


def test_the_openapi_document_lists_the_idempotency_key_on_every_write_that_creates_or_pays(api: Any) -> None:
    doc = api.get("/api/v1/openapi.json").get_json()
    documented = headers_of(doc, "Idempotency-Key")
    assert documented.keys() >= IDEMPOTENT, IDEMPOTENT - documented.keys()
    for where, param in documented.items():
        assert param["required"] is False and "409" in param["description"], where
    assert ("get", "/api/v1/sales/{sale_id}") not in documented


def test_the_openapi_document_lists_the_kiosk_device_header_where_a_paired_kiosk_is_needed(api: Any) -> None:
    doc = api.get("/api/v1/openapi.json").get_json()
    documented = headers_of(doc, "X-Kiosk-Device")
    assert documented.keys() >= PAIRED_KIOSK, PAIRED_KIOSK - documented.keys()
    assert ("get", "/api/v1/kiosk/products") not in documented  # price checks stay open
    assert "/api/v1/kiosk/pair" in doc["paths"]
