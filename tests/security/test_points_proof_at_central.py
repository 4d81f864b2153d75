"""Issue 15, point 6, at central (SQLite and PostgreSQL): a store's token with a member's id or phone number cannot
hold their points; the member's signed QR or a one-time code from their own account page can, and that code works
once, for minutes, for that member only. At the till a member found by phone pays with the code."""

from __future__ import annotations

import re
import uuid
from typing import Any

import requests
from racekit import at_once
from synckit import AQUA_330, agents, central, connect_store, pg_url, sync_until_clean  # noqa: F401

from central.services import loyalty as central_loyalty
from central.services import loyalty_holds
from central.tables import Member
from central.web.loyalty_pages import account_key
from common import member_qr
from common.errors import DomainError
from pos import bootstrap
from pos.services import loyalty, loyalty_redeem, till_sale

TEST_KEY = member_qr.new_private_key()  # central signs this module's member cards with a throwaway key


def use_test_key(central: Any) -> None:
    central.ctx.config.loyalty.signing_key = TEST_KEY


def new_member(central: Any, points: int = 0, phone: str | None = None, name: str = "Budi Santoso") -> dict[str, Any]:
    m = central_loyalty.sign_up(central.ctx, name, phone or "0812" + str(uuid.uuid4().int)[:8])
    return central_loyalty.adjust(central.ctx, m["id"], points, "opening balance") if points else m


def hold(central: Any, member_id: str, points: int = 10, **proof: str) -> requests.Response:
    return requests.post(
        f"{central.url}/api/v1/loyalty/holds",
        headers={"Authorization": f"Bearer {central.token}"},
        json={"hold_id": str(uuid.uuid4()), "member_id": member_id, "points": points, **proof},
        timeout=10,
    )


def held(central: Any, member_id: str) -> int:
    with central.ctx.db.sessions() as s:
        return int(s.get(Member, member_id).held)


def account_key_for(central: Any, member_id: str) -> str:
    with central.extra["app"].test_request_context():
        return account_key(member_id)


def code_from_the_account_page(central: Any, m: dict[str, Any]) -> str:
    """What the member does on their phone: open their account page, press "Make a code", read it."""
    client = central.extra["app"].test_client()
    url = f"/account/{m['number']}?k={account_key_for(central, m['id'])}"
    page = client.get(url).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    action = re.search(r'action="([^"]+/code[^"]*)"', page).group(1).replace("&amp;", "&")
    shown = client.post(action, data={"csrf_token": token})
    assert shown.status_code == 200 and shown.headers["Cache-Control"] == "private, no-store"
    code = re.search(r'id="spend-code"[^>]*>(\d{3}) (\d{3})<', shown.get_data(as_text=True))
    assert code, "the account page shows the one-time code"
    return code.group(1) + code.group(2)


def test_a_store_token_with_only_the_members_id_or_phone_cannot_hold_points(central: Any) -> None:
    use_test_key(central)
    m = new_member(central, points=100, phone="081299990016")
    found = requests.post(
        f"{central.url}/api/v1/loyalty/members/lookup",
        headers={"Authorization": f"Bearer {central.token}"},
        json={"phone": "081299990016"},
        timeout=10,
    )
    assert found.status_code == 200 and found.json()["id"] == m["id"]  # the phone finds the member...
    r = hold(central, m["id"])  # ...but cannot spend
    assert r.status_code == 403 and r.json()["error"]["code"] == "member_proof_required"
    assert "phone number" in r.json()["error"]["message"]
    other = new_member(central, points=5, phone="081299990017", name="Siti")
    r = hold(central, m["id"], card=other["card"])  # somebody's QR is not this member's
    assert r.status_code == 403 and r.json()["error"]["code"] == "bad_member_proof"
    assert hold(central, m["id"], code="123456").status_code == 403
    assert held(central, m["id"]) == 0
    assert hold(central, m["id"], card=m["card"]).status_code == 201  # the member's own QR
    assert held(central, m["id"]) == 10


def test_a_one_time_code_holds_points_once_and_a_replay_is_refused(central: Any) -> None:
    use_test_key(central)
    m = new_member(central, points=100)
    code = code_from_the_account_page(central, m)
    assert hold(central, m["id"], code=f"{code[:3]} {code[3:]}").status_code == 201
    replay = hold(central, m["id"], code=code)
    assert replay.status_code == 403 and replay.json()["error"]["code"] == "bad_spend_code"
    assert held(central, m["id"]) == 10
    other = new_member(central, points=100, phone="081299990018", name="Siti")
    fresh = code_from_the_account_page(central, m)
    assert hold(central, other["id"], code=fresh).status_code == 403  # Budi's code does not spend Siti's points
    assert held(central, other["id"]) == 0


def test_wrong_codes_for_a_member_burn_their_live_code(central: Any) -> None:
    use_test_key(central)
    m = new_member(central, points=100)
    code = code_from_the_account_page(central, m)
    wrong = [c for c in (f"{n:06d}" for n in range(6)) if c != code][:5]
    assert [hold(central, m["id"], code=c).status_code for c in wrong] == [403] * 5
    assert hold(central, m["id"], code=code).status_code == 403  # guessed at: the member makes a new one
    assert hold(central, m["id"], code=code_from_the_account_page(central, m)).status_code == 201


def test_two_tills_using_one_code_at_the_same_moment_hold_once(central: Any) -> None:
    use_test_key(central)
    m = new_member(central, points=100)
    code = code_from_the_account_page(central, m)
    tills = at_once(
        *[lambda: loyalty_holds.hold(central.ctx, "TOKO-01", str(uuid.uuid4()), m["id"], 10, code=code)] * 4,
        expected=(DomainError,),
    )
    answers = [t.code if isinstance(t, DomainError) else "held" for t in tills]
    assert sorted(answers) == ["bad_spend_code"] * 3 + ["held"], answers
    assert held(central, m["id"]) == 10


def test_at_the_till_a_member_found_by_phone_pays_with_their_code_not_with_the_phone(
    central: Any, store: Any, open_till: Any, agents: Any
) -> None:
    use_test_key(central)
    connect_store(store, central)
    bootstrap.enable(store, "points")
    m = new_member(central, points=100, phone="081299990019")
    sync_until_clean(agents())
    view, _ = till_sale.create_sale(store, open_till)
    till_sale.add_line(store, open_till, view["id"], barcode=AQUA_330, qty=2)  # Rp 7.000
    loyalty.attach(store, open_till, view["id"], phone="081299990019")
    try:
        loyalty_redeem.redeem(store, open_till, view["id"], 10)
        raise AssertionError("a phone number alone spent points")
    except DomainError as e:
        assert e.code == "member_qr_required" and "one-time code" in e.message
    code = code_from_the_account_page(central, m)
    paid = loyalty_redeem.redeem(store, open_till, view["id"], 10, code=code)
    assert paid["redeemed"] == {"points": 10, "value": 1_000, "mode": "online"}
    assert held(central, m["id"]) == 10
    try:
        loyalty_redeem.redeem(store, open_till, view["id"], 5, code=code)
        raise AssertionError("a used code spent points again")
    except DomainError as e:
        assert e.code == "bad_spend_code"
    assert held(central, m["id"]) == 10
