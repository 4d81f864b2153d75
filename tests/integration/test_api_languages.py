"""Store API errors speak the caller's language: the till's chosen language (cookie), else Accept-Language."""

from __future__ import annotations

from typing import Any

V1 = "/api/v1"
AQUA_330 = "8990000100010"  # SKU-00001, Rp 3.500 (demo data)
MANAGER = {"staff_code": "9001", "pin": "4321"}


def refund_error(api: Any, body: dict[str, Any], **headers: str) -> dict[str, Any]:
    resp = api.post(f"{V1}/refunds", body, headers=headers)
    assert 400 <= resp.status_code < 500, resp.get_data(as_text=True)
    return resp.get_json()["error"]


def sold(api: Any) -> dict[str, Any]:
    sale = api.post(f"{V1}/sales").get_json()
    api.post(f"{V1}/sales/{sale['id']}/lines", {"barcode": AQUA_330, "qty": 1})
    api.post(f"{V1}/sales/{sale['id']}/tenders", {"type": "cash", "amount": 3_500})
    return api.post(f"{V1}/sales/{sale['id']}/complete").get_json()


def test_a_refund_refused_speaks_indonesian_or_english_as_the_caller_asks(till_api: Any) -> None:
    unknown = {"sale_number": "TOKO-01-T1-999999", "lines": [{"line_id": "x", "qty": 1}], "approval": MANAGER}
    indonesian = refund_error(till_api, unknown, **{"Accept-Language": "id-ID,id;q=0.9,en;q=0.8"})
    english = refund_error(till_api, unknown, **{"Accept-Language": "en-GB,en;q=0.9"})
    assert indonesian["code"] == english["code"]
    assert indonesian["message"] != english["message"]
    assert "tidak ditemukan" in indonesian["message"] and "not found" in english["message"]


def test_the_tills_chosen_language_wins_over_the_browsers(till_api: Any) -> None:
    done = sold(till_api)
    too_many = {"sale_number": done["number"], "lines": [{"line_id": done["lines"][0]["id"], "qty": 5}]}
    too_many["approval"] = MANAGER
    till_api.client.set_cookie("lang", "id")
    said = refund_error(till_api, too_many, **{"Accept-Language": "en-US,en;q=0.9"})
    assert said["code"] == "refund_exceeds_sold" and said["message"].startswith("Jumlah retur melebihi")
    till_api.client.set_cookie("lang", "en")
    said = refund_error(till_api, too_many, **{"Accept-Language": "id-ID"})
    assert said["message"] == "more than can still be refunded: 1 left (asked 5)"


def test_other_store_api_errors_follow_too_with_their_details_filled(till_api: Any) -> None:
    sale = till_api.post(f"{V1}/sales").get_json()
    resp = till_api.post(
        f"{V1}/sales/{sale['id']}/lines", {"barcode": "8999999999994", "qty": 1}, headers={"Accept-Language": "id"}
    )
    error = resp.get_json()["error"]
    assert error["code"] == "unknown_barcode"
    assert error["message"] == "Barcode 8999999999994 tidak ditemukan: cari berdasarkan nama (F2) atau panggil manajer"


def test_a_caller_that_names_no_language_gets_the_services_own_words(till_api: Any) -> None:
    unknown = {"sale_number": "TOKO-01-T1-999999", "lines": [{"line_id": "x", "qty": 1}], "approval": MANAGER}
    error = refund_error(till_api, unknown)
    assert error["message"] == "sale TOKO-01-T1-999999 not found"


def test_a_request_that_does_not_validate_names_its_fields_in_indonesian(till_api: Any) -> None:
    error = refund_error(till_api, {"sale_number": "X", "lines": []}, **{"Accept-Language": "id"})
    assert error["code"] == "invalid_request" and error["message"].startswith("Isian tidak sah: lines")
