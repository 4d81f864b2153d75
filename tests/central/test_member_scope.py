"""Member balances reach the stores a member shops or signed up at, not the whole chain (issue 14)."""

from __future__ import annotations

import uuid

import requests
from sqlalchemy import func, select
from synckit import central, pg_url, pull_all  # noqa: F401

from central.services import loyalty, loyalty_holds, member_cards, stores
from central.tables import Change


def balances(central, token: str) -> dict[str, int]:
    return {c["data"]["id"]: c["data"]["balance"] for c in pull_all(central, token) if c["topic"] == "member"}


def test_a_members_balance_reaches_the_store_they_signed_up_at_and_the_stores_they_redeem_at_only(central):
    tokens = {sid: stores.add_store(central.ctx, sid, sid) for sid in ("M01", "M02", "M03")}
    m = loyalty.sign_up(central.ctx, "Dewi Lestari", "081299990001", where="M01")
    online = loyalty.sign_up(central.ctx, "Budi Santoso", "081299990002", where="online")
    loyalty.adjust(central.ctx, m["id"], 500, "welcome")
    assert balances(central, tokens["M01"]) == {m["id"]: 500}  # signed up there: the balance follows
    assert balances(central, tokens["M02"]) == {} == balances(central, tokens["M03"])  # nobody else's feed
    assert online["id"] not in balances(central, tokens["M01"])  # an online sign-up reaches no store

    card = member_cards.card_for(central.ctx, m["id"])
    loyalty_holds.hold(central.ctx, "M02", str(uuid.uuid4()), m["id"], 100, card=card)  # redeems at M02: linked there
    loyalty.adjust(central.ctx, m["id"], 7, "goodwill")
    assert balances(central, tokens["M01"]) == {m["id"]: 507} == balances(central, tokens["M02"])
    assert balances(central, tokens["M03"]) == {}
    # The store that never saw the member still finds them on demand, by QR, as before.
    found = requests.post(
        f"{central.url}/api/v1/loyalty/members/lookup",
        json={"card": m["card"]},
        headers={"Authorization": f"Bearer {tokens['M03']}"},
        timeout=30,
    )
    assert found.status_code == 200 and found.json()["balance"] == 507


def test_a_members_feed_rows_grow_with_their_stores_not_with_their_balance_changes(central):
    stores.add_store(central.ctx, "M11", "M11")
    m = loyalty.sign_up(central.ctx, "Siti Rahayu", "081299990011", where="M11")
    for i in range(30):
        loyalty.adjust(central.ctx, m["id"], i + 1, "visit")
    rows = central.rows(select(func.count()).select_from(Change).where(Change.topic == "member"))
    assert rows[0][0] == 1  # one key (store, member), rewritten 31 times


def test_a_store_cannot_see_another_stores_members_in_its_feed_or_snapshot(central):
    tokens = {sid: stores.add_store(central.ctx, sid, sid) for sid in ("M21", "M22")}
    m = loyalty.sign_up(central.ctx, "Rina Wati", "081299990021", where="M21")
    seen_b = pull_all(central, tokens["M22"])
    assert not [c for c in seen_b if c["topic"] == "member"]
    headers = {"Authorization": f"Bearer {tokens['M22']}"}
    page = requests.get(f"{central.url}/api/v1/sync/snapshot", params={"limit": 5000}, headers=headers, timeout=30)
    assert page.status_code == 200 and m["id"] not in page.text
    # Walking past its own scopes (a forged page position) reads nothing more, never another store's rows.
    forged = requests.get(
        f"{central.url}/api/v1/sync/snapshot",
        params={"epoch": page.json()["epoch"], "at": page.json()["at"], "part": 7, "after": 0},
        headers=headers,
        timeout=30,
    )
    assert forged.status_code == 200 and forged.json()["changes"] == [] and not forged.json()["more"]
