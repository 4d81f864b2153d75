"""The store's loyalty endpoints answer bad input with a 4xx and a clear message, and change nothing."""

from __future__ import annotations

from datetime import timedelta

from loyaltykit import TEST_KEY

from common import member_qr
from pos.services import loyalty, loyalty_settings

AQUA_330 = "8990000100010"  # Rp 3.500
MEMBER = "5d9d3a55-8a51-4b7e-9f6a-0c0d7d6b0001"


def seed_member(store, balance=40, blocked=False):
    """A member as the pull feed would have left it, and central's public key."""
    key = member_qr.load_private_key(TEST_KEY)
    now = store.clock().replace(microsecond=0)
    card = member_qr.sign(key, MEMBER, now, now + timedelta(days=30), "omnitoko")
    with store.db.unit_of_work() as s:
        loyalty_settings.save_settings(s, {"shop_id": "omnitoko", "public_key": member_qr.public_key_text(key)})
        loyalty.save_member(
            s,
            {
                "id": MEMBER,
                "number": "700000000001",
                "name": "Dewi Lestari",
                "phone": "6281299990000",
                "blocked": blocked,
                "balance": balance,
                "version": 3,
                "card": card,
            },
            store.clock(),
        )
    return card


def open_sale(api):
    sale = api.post("/api/v1/sales").get_json()
    return api.post(f"/api/v1/sales/{sale['id']}/lines", {"barcode": AQUA_330}).get_json()


def error(resp):
    return resp.status_code, resp.get_json()["error"]["code"]


def test_attaching_needs_a_genuine_card_or_a_known_phone(till_api, store, facts):
    card = seed_member(store)
    sale = open_sale(till_api)
    path = f"/api/v1/sales/{sale['id']}/member"
    before = facts()
    assert till_api.post(path, {}).status_code == 400
    assert error(till_api.post(path, {"card": "OTK1.garbage"})) == (422, "card_damaged")
    assert error(till_api.post(path, {"card": card[:-2] + ("AA" if card[-2:] != "AA" else "BB")}))[1] in (
        "card_forged",
        "card_damaged",
    )
    assert error(till_api.post(path, {"phone": "08x1234567"})) == (422, "bad_phone")
    assert error(till_api.post(path, {"phone": "081200000000"})) == (404, "unknown_member")
    assert error(till_api.post("/api/v1/sales/nope/member", {"card": card})) == (404, "unknown_sale")
    assert facts() == before
    got = till_api.post(path, {"card": card})
    assert got.status_code == 200 and got.get_json()["member"]["name"] == "Dewi Lestari"
    assert till_api.get(path).get_json()["member"]["balance"] == 40


def test_points_need_a_member_and_a_reachable_central_or_an_allowance(till_api, store, facts):
    card = seed_member(store)
    sale = open_sale(till_api)
    points = f"/api/v1/sales/{sale['id']}/points"
    assert error(till_api.post(points, {"points": 5})) == (422, "no_member")
    till_api.post(f"/api/v1/sales/{sale['id']}/member", {"card": card})
    assert till_api.post(points, {"points": 0}).status_code == 400
    assert error(till_api.post(points, {"points": 36})) == (422, "points_exceed_due")
    before = facts()
    r = till_api.post(points, {"points": 5})  # this store has no central at all, and no allowance
    assert r.status_code == 424 and r.get_json()["error"]["code"] == "central_unreachable"
    assert facts() == before


def test_a_blocked_member_cannot_pay_with_points(till_api, store):
    card = seed_member(store, blocked=True)
    sale = open_sale(till_api)
    till_api.post(f"/api/v1/sales/{sale['id']}/member", {"card": card})
    assert error(till_api.post(f"/api/v1/sales/{sale['id']}/points", {"points": 5})) == (403, "member_blocked")


def test_the_kiosk_lookup_refuses_what_is_not_a_member_card(api, store):
    card = seed_member(store)
    assert error(api.post("/api/v1/kiosk/points", {"card": "8990000100010"})) == (422, "not_a_card")
    assert api.post("/api/v1/kiosk/points", {}).status_code == 400
    got = api.post("/api/v1/kiosk/points", {"card": card}).get_json()
    assert (got["name"], got["balance"], got["online"]) == ("De** Le*****", 40, False)
