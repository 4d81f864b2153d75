"""POST /api/v1/sales/lines: the till's first scan of a customer starts the sale in the same request."""

from __future__ import annotations

from typing import Any

AQUA_330, AQUA_600 = "8990000100010", "8990000100027"


def test_the_first_scan_starts_the_sale_and_the_next_ones_go_to_it(till_api: Any) -> None:
    r = till_api.post("/api/v1/sales/lines", {"barcode": AQUA_330, "qty": 2})
    assert r.status_code == 201
    sale = r.get_json()
    assert sale["state"] == "open" and [(l["sku"], l["qty"]) for l in sale["lines"]] == [("SKU-00001", 2)]
    r = till_api.post(f"/api/v1/sales/{sale['id']}/lines", {"barcode": AQUA_600})
    assert r.status_code == 201 and r.get_json()["total"] == 2 * 3_500 + 4_500
    assert till_api.post("/api/v1/sales").get_json()["id"] == sale["id"]  # still the till's one open sale


def test_bad_first_scans_are_4xx_with_a_message_and_start_nothing(till_api: Any, api: Any) -> None:
    no_token = api.call("POST", "/api/v1/sales/lines", {"barcode": AQUA_330}, token="")
    assert no_token.status_code == 401
    for body in ({}, {"barcode": "9" * 33}, {"barcode": AQUA_330, "qty": 0}, {"barcode": AQUA_330, "qty": "many"}):
        r = till_api.post("/api/v1/sales/lines", body)
        assert 400 <= r.status_code < 500 and r.get_json()["error"]["message"], body
    r = till_api.post("/api/v1/sales/lines?lang=en", {"barcode": "8990000999999"})
    assert r.status_code == 404 and "8990000999999" in r.get_json()["error"]["message"]
    started = till_api.post("/api/v1/sales")
    assert started.status_code == 201 and started.get_json()["lines"] == []  # none of the above left a sale open
