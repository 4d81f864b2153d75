"""A member sale links the member to its store even when it earns and redeems nothing, and offline allowances go
only to the stores a member is linked to (issue 14's store-side gaps 3 and 4). On SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import requests
from loyaltykit import use_test_key
from racekit import at_once
from sqlalchemy import delete, func, select
from synckit import central, pg_url, pull_all  # noqa: F401
from synckit_store import sale_payload, wire_event

from central.services import loyalty, member_scope, offline_allowances, stores
from central.tables import MemberStore, OfflineAllowance, Sale
from common.errors import NotFound


def member_sale(store_id: str, seq: int, member_id: str) -> dict[str, Any]:
    return wire_event(store_id, seq, {**sale_payload(store_id, seq), "member_id": member_id})


def push(central, token: str, store_id: str, *events: dict[str, Any]) -> list[str]:
    r = requests.post(
        f"{central.url}/api/v1/sync/push",
        json={"store_id": store_id, "device_id": "T1", "batch_id": str(uuid.uuid4()), "events": list(events)},
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
    )
    assert r.status_code == 200, r.text
    return [x["outcome"] for x in r.json()["results"]]


def pulled(central, token: str, topic: str) -> list[dict[str, Any]]:
    return [c["data"] for c in pull_all(central, token) if c["topic"] == topic]


def allowances(central, member_id: str) -> dict[str, int]:
    with central.ctx.db.sessions() as s:
        rows = s.execute(
            select(OfflineAllowance.store_id, OfflineAllowance.points).where(OfflineAllowance.member_id == member_id)
        )
        return {store: points for store, points in rows}


def links(central, member_id: str) -> list[str]:
    with central.ctx.db.sessions() as s:
        return sorted(s.scalars(select(MemberStore.store_id).where(MemberStore.member_id == member_id)))


def test_a_member_sale_that_earns_nothing_links_the_member_and_their_balance_reaches_that_store(central):
    use_test_key(central, offline_allowance_points=25)
    tokens = {sid: stores.add_store(central.ctx, sid, sid) for sid in ("L01", "L02")}
    m = loyalty.sign_up(central.ctx, "Dewi Lestari", "081277770001", where="online")
    loyalty.adjust(central.ctx, m["id"], 300, "welcome")
    assert pulled(central, tokens["L01"], "member") == []  # shopped nowhere yet: no store's feed has her
    assert allowances(central, m["id"]) == {}  # an online sign-up is no store's: no allowance anywhere

    assert push(central, tokens["L01"], "L01", member_sale("L01", 1, m["id"])) == ["applied"]  # no points event

    assert [(x["id"], x["balance"]) for x in pulled(central, tokens["L01"], "member")] == [(m["id"], 300)]
    assert pulled(central, tokens["L02"], "member") == []
    assert allowances(central, m["id"]) == {"L01": 25}  # only the store she is linked to
    granted = pulled(central, tokens["L01"], "loyalty_allowance")
    assert [(a["id"], a["points"]) for a in granted] == [(member_scope.default_allowance_id(m["id"], "L01"), 25)]
    assert pulled(central, tokens["L02"], "loyalty_allowance") == []
    # Central restored from a backup older than the link: the store's next member sale links her again, under the
    # allowance id the store already holds (its offline redemptions name it), not a new one.
    with central.ctx.db.unit_of_work() as s:
        s.execute(delete(OfflineAllowance).where(OfflineAllowance.member_id == m["id"]))
        s.execute(delete(MemberStore).where(MemberStore.member_id == m["id"]))
    assert push(central, tokens["L01"], "L01", member_sale("L01", 2, m["id"])) == ["applied"]
    with central.ctx.db.sessions() as s:
        again = s.scalar(select(OfflineAllowance.id).where(OfflineAllowance.member_id == m["id"]))
    assert again == granted[0]["id"]
    # A second sale there changes nothing (already linked): still one allowance, not granted afresh.
    offline_allowances.grant_allowance(central.ctx, m["id"], "L01", points=10)  # the head office's own grant stands
    assert push(central, tokens["L01"], "L01", member_sale("L01", 3, m["id"])) == ["applied"]
    assert allowances(central, m["id"]) == {"L01": 10}


def test_a_sign_up_at_a_store_grants_that_store_alone_and_an_admin_grant_elsewhere_links_the_member(central):
    use_test_key(central, offline_allowance_points=40)
    tokens = {sid: stores.add_store(central.ctx, sid, sid) for sid in ("L11", "L12", "L13")}
    m = loyalty.sign_up(central.ctx, "Budi Santoso", "081277770011", where="L11")
    assert allowances(central, m["id"]) == {"L11": 40}
    assert links(central, m["id"]) == ["L11"]

    offline_allowances.grant_allowance(central.ctx, m["id"], "L12", points=15)
    assert allowances(central, m["id"]) == {"L11": 40, "L12": 15}
    assert links(central, m["id"]) == ["L11", "L12"]  # the store can redeem against a balance it now receives
    assert [x["id"] for x in pulled(central, tokens["L12"], "member")] == [m["id"]]
    assert [a["points"] for a in pulled(central, tokens["L12"], "loyalty_allowance")] == [15]
    assert pulled(central, tokens["L13"], "member") == [] == pulled(central, tokens["L13"], "loyalty_allowance")


def test_stores_selling_to_one_member_at_once_each_link_once_with_one_allowance(central):
    use_test_key(central, offline_allowance_points=20)
    ids = [f"C{i:02d}" for i in range(1, 7)]
    tokens = {sid: stores.add_store(central.ctx, sid, sid) for sid in ids}
    m = loyalty.sign_up(central.ctx, "Siti Rahayu", "081277770021", where="online")

    def sell(sid: str) -> list[str]:  # three member sales, one push at a time, all stores at once
        return [
            outcome
            for seq in range(1, 4)
            for outcome in push(central, tokens[sid], sid, member_sale(sid, seq, m["id"]))
        ]

    outcomes = [outcome for sold in at_once(*[lambda sid=sid: sell(sid) for sid in ids]) for outcome in sold]
    assert outcomes == ["applied"] * 18
    assert links(central, m["id"]) == ids
    assert allowances(central, m["id"]) == {sid: 20 for sid in ids}
    for sid in ids:
        assert [x["id"] for x in pulled(central, tokens[sid], "member")] == [m["id"]]
        assert len(pulled(central, tokens[sid], "loyalty_allowance")) == 1


def test_a_sale_naming_an_unknown_or_repeated_member_links_nothing_and_grants_nothing(central):
    use_test_key(central, offline_allowance_points=30)
    tokens = {sid: stores.add_store(central.ctx, sid, sid) for sid in ("H01", "H02")}
    m = loyalty.sign_up(central.ctx, "Rina Wati", "081277770031", where="H02")
    stranger = str(uuid.uuid4())
    # The goods were sold: the sale is booked, but a member central does not know is linked to nothing.
    assert push(central, tokens["H01"], "H01", member_sale("H01", 1, stranger)) == ["applied"]
    assert central.count(Sale, Sale.member_id == stranger) == 1
    assert links(central, stranger) == [] and allowances(central, stranger) == {}
    assert pulled(central, tokens["H01"], "member") == []
    # The same event pushed again is a duplicate: one link, one allowance, whatever the repeats.
    ev = member_sale("H01", 2, m["id"])
    assert push(central, tokens["H01"], "H01", ev) == ["applied"]
    assert push(central, tokens["H01"], "H01", ev) == ["duplicate"]
    assert allowances(central, m["id"]) == {"H02": 30, "H01": 30}
    with central.ctx.db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(MemberStore).where(MemberStore.member_id == m["id"])) == 2
    # A store's token cannot link a member to another store: the event's store is the token's.
    forged = member_sale("H02", 1, stranger)
    r = requests.post(
        f"{central.url}/api/v1/sync/push",
        json={"store_id": "H02", "device_id": "T1", "batch_id": str(uuid.uuid4()), "events": [forged]},
        headers={"Authorization": f"Bearer {tokens['H01']}"},
        timeout=30,
    )
    assert r.status_code in (401, 403) and links(central, m["id"]) == ["H01", "H02"]
    # An allowance for a store that is not registered is refused, and nothing is written.
    with pytest.raises(NotFound):
        offline_allowances.grant_allowance(central.ctx, m["id"], "NOWHERE", points=10)
    assert allowances(central, m["id"]) == {"H02": 30, "H01": 30}
