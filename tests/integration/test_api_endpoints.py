"""The store's JSON API end to end through Flask's test client: every endpoint the till page uses."""

from __future__ import annotations

from typing import Any

from pos.services.context import StoreContext

AQUA_330 = "8990000100010"  # SKU-00001, Rp 3.500, PPN (demo data, as in tests/conftest.py)
AQUA_600 = "8990000100027"  # SKU-00002, Rp 4.500, PPN
MANAGER = {"staff_code": "9001", "pin": "4321"}
V1 = "/api/v1"


def ok(resp: Any, status: int = 200) -> Any:
    assert resp.status_code == status, resp.get_data(as_text=True)
    return resp.get_json()


def test_health_answers_without_signing_in(api: Any) -> None:
    assert ok(api.get(f"{V1}/health")) == {"status": "ok", "store_id": "TOKO-01"}


def test_signing_in_gives_a_bearer_token_that_works_until_signing_out(api: Any) -> None:
    body = ok(api.post(f"{V1}/session", {"staff_code": "1001", "pin": "1234"}), 201)
    assert set(body) == {"token", "staff"}
    assert {k: body["staff"][k] for k in ("code", "name", "role", "till_id")} == {
        "code": "1001",
        "name": "Siti Rahayu",
        "role": "cashier",
        "till_id": "T1",
    }
    token = body["token"]
    assert ok(api.get(f"{V1}/session", token=token))["staff"]["code"] == "1001"
    assert ok(api.delete(f"{V1}/session", token=token)) == {"signed_out": True}
    assert api.get(f"{V1}/session", token=token).status_code == 401


def test_products_are_found_by_barcode_sku_or_name_with_stock_on_hand(till_api: Any) -> None:
    items = ok(till_api.get(f"{V1}/products?barcode={AQUA_330}"))["items"]
    assert len(items) == 1
    assert {k: items[0][k] for k in ("sku", "name", "barcode", "price", "tax_group")} == {
        "sku": "SKU-00001",
        "name": "Air Mineral Aqua 330ml",
        "barcode": AQUA_330,
        "price": 3_500,
        "tax_group": "PPN",
    }
    assert isinstance(items[0]["on_hand"], int) and items[0]["on_hand"] > 0
    assert ok(till_api.get(f"{V1}/products?sku=SKU-00002"))["items"][0]["barcode"] == AQUA_600
    found = ok(till_api.get(f"{V1}/products?q=indomie goreng"))["items"]
    assert found and all("Indomie" in p["name"] and "Goreng" in p["name"] for p in found)
    assert ok(till_api.get(f"{V1}/products?barcode=8991234567890"))["items"] == []


def ring_up(api: Any, items: list[tuple[str, int]]) -> dict[str, Any]:
    sale = ok(api.post(f"{V1}/sales"), 201)
    for barcode, qty in items:
        sale = ok(api.post(f"{V1}/sales/{sale['id']}/lines", {"barcode": barcode, "qty": qty}), 201)
    return sale


def test_a_cash_sale_from_first_scan_to_receipt(till_api: Any, store: StoreContext) -> None:
    sale = ok(till_api.post(f"{V1}/sales"), 201)
    assert sale["state"] == "open" and sale["lines"] == [] and sale["total"] == 0
    assert ok(till_api.post(f"{V1}/sales"))["id"] == sale["id"]  # the till's open sale again
    sid = sale["id"]
    ok(till_api.post(f"{V1}/sales/{sid}/lines", {"barcode": AQUA_330}), 201)
    sale = ok(till_api.post(f"{V1}/sales/{sid}/lines", {"sku": "SKU-00002", "qty": 2}), 201)
    aqua = next(l for l in sale["lines"] if l["sku"] == "SKU-00001")
    sale = ok(till_api.patch(f"{V1}/sales/{sid}/lines/{aqua['id']}", {"qty": 3}))
    assert sale["total"] == 3 * 3_500 + 2 * 4_500
    sale = ok(till_api.post(f"{V1}/sales/{sid}/tenders", {"type": "cash", "amount": 50_000}), 201)
    assert (sale["paid"], sale["remaining"], sale["change"]) == (50_000, 0, 30_500)

    done = ok(till_api.post(f"{V1}/sales/{sid}/complete"))
    assert {k: done[k] for k in ("number", "total", "tax", "paid", "change", "state")} == {
        "number": "TOKO-01-T1-000001",
        "total": 19_500,
        "tax": 1_932,
        "paid": 50_000,
        "change": 30_500,
        "state": "completed",
    }
    assert all(isinstance(done[k], int) for k in ("total", "tax", "paid", "change"))
    assert [(l["sku"], l["qty"], l["net"]) for l in done["lines"]] == [
        ("SKU-00001", 3, 10_500),
        ("SKU-00002", 2, 9_000),
    ]
    assert ok(till_api.get(f"{V1}/sales/TOKO-01-T1-000001"))["id"] == sid
    assert ok(till_api.get(f"{V1}/sales/{sid}"))["number"] == "TOKO-01-T1-000001"


def test_lines_and_payments_can_be_taken_back_before_the_sale_completes(till_api: Any) -> None:
    sale = ring_up(till_api, [(AQUA_330, 1), (AQUA_600, 1)])
    sid = sale["id"]
    sale = ok(till_api.post(f"{V1}/sales/{sid}/tenders", {"type": "card", "amount": 8_000}), 201)
    sale = ok(till_api.delete(f"{V1}/sales/{sid}/tenders/{sale['tenders'][0]['id']}"))
    assert sale["tenders"] == [] and sale["remaining"] == 8_000
    line = next(l for l in sale["lines"] if l["sku"] == "SKU-00002")
    sale = ok(till_api.delete(f"{V1}/sales/{sid}/lines/{line['id']}"))
    assert [l["sku"] for l in sale["lines"]] == ["SKU-00001"] and sale["total"] == 3_500


def test_a_split_payment_with_an_ewallet_reference(till_api: Any) -> None:
    sale = ring_up(till_api, [(AQUA_330, 4)])
    sid = sale["id"]
    ok(till_api.post(f"{V1}/sales/{sid}/tenders", {"type": "qris", "amount": 4_000}), 201)
    ok(till_api.post(f"{V1}/sales/{sid}/tenders", {"type": "ewallet", "amount": 5_000, "reference": "OVO-556677"}), 201)
    sale = ok(till_api.post(f"{V1}/sales/{sid}/tenders", {"type": "cash", "amount": 10_000}), 201)
    done = ok(till_api.post(f"{V1}/sales/{sid}/complete"))
    assert (done["total"], done["paid"], done["change"]) == (14_000, 19_000, 5_000)
    assert [t["reference"] for t in done["tenders"]] == [None, "******6677", None]


def test_discounts_over_ten_percent_go_through_with_a_manager_approval_in_the_body(till_api: Any) -> None:
    sale = ring_up(till_api, [(AQUA_330, 2)])
    sid = sale["id"]
    line = sale["lines"][0]["id"]
    sale = ok(till_api.post(f"{V1}/sales/{sid}/discounts", {"kind": "percent", "value": 10, "line_id": line}))
    assert sale["total"] == 6_300
    refused = till_api.post(f"{V1}/sales/{sid}/discounts", {"kind": "percent", "value": 12.5})
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "approval_required"
    sale = ok(till_api.post(f"{V1}/sales/{sid}/discounts", {"kind": "percent", "value": 12.5, "approval": MANAGER}))
    assert (sale["sale_discount"], sale["total"]) == (788, 5_512)  # 12.5% of 6300 = 787.5 -> 788


def test_a_sale_is_parked_resumed_and_voided_with_a_manager(till_api: Any) -> None:
    sid = ring_up(till_api, [(AQUA_330, 1)])["id"]
    assert ok(till_api.post(f"{V1}/sales/{sid}/park"))["state"] == "parked"
    assert [p["id"] for p in ok(till_api.get(f"{V1}/sales/parked"))["items"]] == [sid]
    assert ok(till_api.post(f"{V1}/sales/{sid}/resume"))["state"] == "open"
    assert till_api.post(f"{V1}/sales/{sid}/void", {}).status_code == 403
    voided = ok(till_api.post(f"{V1}/sales/{sid}/void", {"approval": MANAGER, "reason": "salah scan"}))
    assert voided["state"] == "voided"


def test_a_refund_with_manager_approval_returns_its_number_and_amount_and_stock_comes_back(till_api: Any) -> None:
    sid = ring_up(till_api, [(AQUA_330, 2)])["id"]
    ok(till_api.post(f"{V1}/sales/{sid}/tenders", {"type": "cash", "amount": 7_000}), 201)
    done = ok(till_api.post(f"{V1}/sales/{sid}/complete"))
    before = ok(till_api.get(f"{V1}/stock/SKU-00001"))["on_hand"]
    refund = ok(
        till_api.post(
            f"{V1}/refunds",
            {
                "sale_number": done["number"],
                "lines": [{"line_id": done["lines"][0]["id"], "qty": 1}],
                "approval": MANAGER,
            },
        ),
        201,
    )
    assert refund["number"] == "TOKO-01-T1-000002" and refund["amount"] == 3_500
    stock = ok(till_api.get(f"{V1}/stock/SKU-00001"))
    assert stock["sku"] == "SKU-00001" and stock["on_hand"] == before + 1
    assert [(m["kind"], m["qty"]) for m in stock["movements"][:2]] == [("return", 1), ("sale", -2)]
    assert ok(till_api.get(f"{V1}/sales/{sid}"))["lines"][0]["refunded_qty"] == 1


def test_the_x_report_and_closing_the_shift_with_counted_cash(till_api: Any) -> None:
    sid = ring_up(till_api, [(AQUA_600, 1)])["id"]
    ok(till_api.post(f"{V1}/sales/{sid}/tenders", {"type": "cash", "amount": 5_000}), 201)
    ok(till_api.post(f"{V1}/sales/{sid}/complete"))
    x = ok(till_api.get(f"{V1}/reports/x"))
    assert (x["kind"], x["sales_count"], x["expected_cash"]) == ("X", 1, 204_500)
    assert ok(till_api.get(f"{V1}/shifts/current"))["shift_id"] == x["shift_id"]
    z = ok(till_api.post(f"{V1}/shifts/current/close", {"counted_cash": 204_000}))
    assert (z["kind"], z["expected_cash"], z["counted_cash"], z["variance"]) == ("Z", 204_500, 204_000, -500)
    assert z["tenders"] == {"cash": 4_500}
    assert till_api.get(f"{V1}/reports/x").status_code == 404
