"""Signing up at the kiosk (and the till): central makes the member; bad input is a 4xx with a clear message."""

from __future__ import annotations

import pytest
from loyaltykit import new_member, use_test_key
from sqlalchemy import func, select
from synckit import central, connect_store, pg_url  # noqa: F401

from central.tables import Member
from common.errors import DomainError
from pos.adapters.tables import LoyaltyMember
from pos.services import kiosk_members, loyalty, till_sale


def members_at_central(central):
    with central.ctx.db.sessions() as s:
        return s.scalar(select(func.count()).select_from(Member))


@pytest.fixture
def linked(central, store):
    use_test_key(central)
    connect_store(store, central)
    return central


def test_a_shopper_signs_up_at_the_kiosk_and_sees_0_points_and_can_then_be_found_at_the_till(linked, store, open_till):
    got = kiosk_members.kiosk_sign_up(store, "  Siti   Rahayu ", "0813-5555-0101")
    assert (got["name"], got["balance"], got["recent"], got["online"]) == ("Si** Ra****", 0, [], True)
    assert "******" in got["number"]
    with linked.ctx.db.sessions() as s:
        m = s.scalar(select(Member).where(Member.phone == "6281355550101"))
        assert (m.name, m.balance) == ("Siti Rahayu", 0)
    with store.db.sessions() as s:
        assert s.get(LoyaltyMember, m.id).name == "Siti Rahayu"  # the store keeps its copy at once
    sale, _ = till_sale.create_sale(store, open_till)
    assert loyalty.attach(store, open_till, sale["id"], phone="081355550101")["member"]["name"] == "Siti Rahayu"
    with pytest.raises(DomainError) as e:
        kiosk_members.kiosk_sign_up(store, "Siti R", "+62 813 5555 0101")
    assert (e.value.status, e.value.code) == (409, "phone_taken")


def test_kiosk_sign_up_refuses_bad_input_with_a_4xx_and_a_clear_message_and_changes_nothing(linked, store, api):
    taken = new_member(linked, phone="081277770000")
    before = members_at_central(linked)

    def post(body):
        r = api.post("/api/v1/kiosk/members", body)
        return r.status_code, r.get_json()["error"]["code"], r.get_json()["error"]["message"]

    assert post({"phone": "081299991111"})[:2] == (422, "bad_name")
    assert post({"name": "   ", "phone": "081299991111"})[2] == "type your name (1 to 80 characters)"
    assert post({"name": "Agus"})[:2] == (422, "bad_phone")
    assert post({"name": "Agus", "phone": "08-12ab"})[:2] == (422, "bad_phone")
    status, code, message = post({"name": "Agus", "phone": "0812 7777 0000"})
    assert (status, code) == (409, "phone_taken") and "scan your member QR" in message
    assert members_at_central(linked) == before
    assert taken["name"] == "Budi Santoso"

    r = api.post("/api/v1/kiosk/members", {"name": "Agus Salim", "phone": "081299991111"})
    assert r.status_code == 201 and r.get_json()["balance"] == 0
    assert members_at_central(linked) == before + 1


def test_sign_up_without_a_central_store_says_so(store, api):
    r = api.post("/api/v1/kiosk/members", {"name": "Agus", "phone": "081299991111"})
    assert (r.status_code, r.get_json()["error"]["code"]) == (424, "not_connected")
