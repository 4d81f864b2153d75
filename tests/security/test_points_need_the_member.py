"""Issue 15, point 6: a member's phone number finds the member but cannot spend their points; the member's own
signed QR can."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from common import member_qr
from pos.adapters.tables import LoyaltyAllowance
from pos.services import loyalty, loyalty_settings

V1 = "/api/v1"
AQUA_330 = "8990000100010"  # Rp 3.500
MEMBER = "5d9d3a55-8a51-4b7e-9f6a-0c0d7d6b0015"
PHONE = "6281299990015"
TEST_KEY = member_qr.new_private_key()  # a throwaway key for this module's member cards


def _member(store: Any) -> str:
    """A member as the pull feed leaves it, with an offline allowance here (so no central is needed)."""
    key = member_qr.load_private_key(TEST_KEY)
    now = store.clock().replace(microsecond=0)
    card = member_qr.sign(key, MEMBER, now, now + timedelta(days=30), "omnitoko")
    with store.db.unit_of_work() as s:
        loyalty_settings.save_settings(s, {"shop_id": "omnitoko", "public_key": member_qr.public_key_text(key)})
        loyalty.save_member(
            s,
            {
                "id": MEMBER,
                "number": "700000000015",
                "name": "Dewi Lestari",
                "phone": PHONE,
                "blocked": False,
                "balance": 40,
                "version": 1,
                "card": card,
            },
            store.clock(),
        )
        s.add(
            LoyaltyAllowance(id="allowance-15", member_id=MEMBER, points=30, used=0, expires_at=now + timedelta(days=7))
        )
    return card


def test_a_phone_number_attaches_the_member_but_cannot_spend_points(till_api: Any, store: Any, facts: Any) -> None:
    card = _member(store)
    sale = till_api.post(f"{V1}/sales").get_json()
    till_api.post(f"{V1}/sales/{sale['id']}/lines", {"barcode": AQUA_330})
    by_phone = till_api.post(f"{V1}/sales/{sale['id']}/member", {"phone": "0812-9999-0015"})
    assert by_phone.status_code == 200 and by_phone.get_json()["member"]["can_redeem"] is False
    before = facts()
    spend = till_api.post(f"{V1}/sales/{sale['id']}/points", {"points": 5})
    assert spend.status_code == 403 and spend.get_json()["error"]["code"] == "member_qr_required"
    assert "QR" in spend.get_json()["error"]["message"]
    assert facts() == before
    # The member shows their own QR: the same sale may now be paid with points.
    by_card = till_api.post(f"{V1}/sales/{sale['id']}/member", {"card": card})
    assert by_card.get_json()["member"]["can_redeem"] is True
    paid = till_api.post(f"{V1}/sales/{sale['id']}/points", {"points": 5})
    assert paid.status_code == 201 and paid.get_json()["redeemed"] == {"points": 5, "value": 500, "mode": "offline"}
