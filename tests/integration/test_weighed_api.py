"""Weighed goods over the JSON API: the till rings a label and a typed weight, refusals are 4xx with a message in
the caller's language, the kiosk's price check reads a scale label, a kiosk cart leaves weighed goods to the till."""

from __future__ import annotations

from typing import Any

from common.demo_data import ean13

APEL_LABEL = "2000103008451"  # Apel Fuji (PLU 103), 0,845 kg at Rp 42.000/kg = Rp 35.490
LAPIS_LABEL = "2500201375009"  # Kue Lapis Legit (PLU 201), Rp 37.500 on the label
BERAS = ean13(9_001)  # Beras Curah, Rp 14.000/kg, no label


def _sale(api: Any) -> str:
    return str(api.post("/api/v1/sales").get_json()["id"])


def test_the_till_rings_a_label_and_a_typed_weight(till_api: Any) -> None:
    sale = _sale(till_api)
    r = till_api.post(f"/api/v1/sales/{sale}/lines", {"barcode": APEL_LABEL})
    assert r.status_code == 201
    r = till_api.post(f"/api/v1/sales/{sale}/lines", {"barcode": BERAS, "weight": "1,25"})
    assert r.status_code == 201
    r = till_api.post(f"/api/v1/sales/{sale}/lines", {"barcode": LAPIS_LABEL})
    lines = r.get_json()["lines"]
    assert [(l["qty"], l["measure"], l["net"]) for l in lines] == [
        (845, "weight", 35_490),
        (1_250, "weight", 17_500),
        (1, "label", 37_500),
    ]
    assert r.get_json()["total"] == 90_490


def test_a_weighed_item_without_its_weight_and_a_bad_label_are_4xx_in_both_languages(till_api: Any) -> None:
    sale = _sale(till_api)
    r = till_api.post(f"/api/v1/sales/{sale}/lines?lang=en", {"barcode": BERAS})
    body = r.get_json()["error"]
    assert r.status_code in (400, 409, 422) and body["code"] == "weight_needed"
    assert body["message"] == "Beras Curah Pandan Wangi is sold by weight: type its weight"
    r = till_api.post(f"/api/v1/sales/{sale}/lines?lang=id", {"barcode": APEL_LABEL[:-1] + "0"})
    assert r.status_code == 422 or r.status_code == 400
    assert r.get_json()["error"]["message"].startswith("Label 2000103008450: angka cek salah")
    r = till_api.post(f"/api/v1/sales/{sale}/lines", {"barcode": BERAS, "weight": "1" * 17})
    assert 400 <= r.status_code < 500  # longer than any weight: refused by the schema


def test_the_kiosk_price_check_reads_a_label_s_weight_and_price(api: Any) -> None:
    r = api.get(f"/api/v1/kiosk/products?barcode={APEL_LABEL}")
    assert r.status_code == 200
    item = r.get_json()["items"][0]
    assert (item["name"], item["measure"], item["price"]) == ("Apel Fuji", "weight", 42_000)
    assert item["label"]["qty_text"] == {"id": "0,845 kg", "en": "0,845 kg"} and item["label"]["price"] == 35_490
    item = api.get(f"/api/v1/kiosk/products?barcode={LAPIS_LABEL}").get_json()["items"][0]
    assert item["label"] == {"kind": "price", "price": 37_500}
    r = api.get("/api/v1/kiosk/products?barcode=2000999008450")  # a label whose item code is no product
    assert r.status_code == 404


def test_a_kiosk_cart_leaves_weighed_goods_to_the_till(api: Any) -> None:
    r = api.post("/api/v1/kiosk/cart/quote", {"lines": [{"sku": "SKU-W0001", "qty": 1}]})
    assert 400 <= r.status_code < 500 and r.get_json()["error"]["code"] == "weighed_at_till"
