"""Central's ledger and holds, over HTTP, on SQLite and PostgreSQL: points are never spent twice."""

from __future__ import annotations

import uuid

import requests
from loyaltykit import add_store, member_sale, new_member, push, use_test_key
from racekit import at_once
from sqlalchemy import select
from synckit import STORE, central, pg_url  # noqa: F401

from central.services import loyalty, member_cards
from central.tables import Member, PointsEntry, PointsHold


def hold(central, token, member_id, points, hold_id=None, sale_id=None):
    return requests.post(
        f"{central.url}/api/v1/loyalty/holds",
        headers={"Authorization": f"Bearer {token}"},
        json={
            "hold_id": hold_id or str(uuid.uuid4()),
            "member_id": member_id,
            "points": points,
            "sale_id": sale_id,
            "card": member_cards.card_for(central.ctx, member_id),  # the member's QR, as the till scanned it
        },
        timeout=10,
    )


def call(central, token, method, path, body=None):
    return requests.request(
        method,
        f"{central.url}/api/v1/loyalty{path}",
        json=body,
        timeout=10,
        headers={"Authorization": f"Bearer {token}"},
    )


def state(central, member_id):
    with central.ctx.db.sessions() as s:
        m = s.get(Member, member_id)
        return m.balance, m.held


def test_two_stores_holding_the_same_points_at_once_never_hold_more_than_the_balance(central):
    use_test_key(central)
    other = add_store(central, "TOKO-02")
    m = new_member(central, points=100)
    tokens = [central.token, other] * 4  # eight tills, two stores, each asking for 30 of the 100 points
    answers = [r.status_code for r in at_once(*[lambda t=t: hold(central, t, m["id"], 30) for t in tokens])]
    assert sorted(answers) == [201, 201, 201, 409, 409, 409, 409, 409]
    assert state(central, m["id"]) == (100, 90)
    with central.ctx.db.sessions() as s:
        held = list(s.scalars(select(PointsHold).where(PointsHold.member_id == m["id"])))
    for h in held:
        token = central.token if h.store_id == STORE else other
        assert call(central, token, "POST", f"/holds/{h.id}/post", {"sale_id": str(uuid.uuid4())}).status_code == 200
    assert state(central, m["id"]) == (10, 0)
    assert loyalty.ledger_sum(central.ctx, m["id"]) == 10


def test_a_redemption_above_the_balance_or_for_a_blocked_member_is_refused_and_changes_nothing(central):
    use_test_key(central)
    m = new_member(central, points=50)
    r = hold(central, central.token, m["id"], 51)
    assert r.status_code == 409 and r.json()["error"]["code"] == "insufficient_points"
    assert "50" in r.json()["error"]["message"]
    loyalty.set_blocked(central.ctx, m["id"], True)
    r = hold(central, central.token, m["id"], 10)
    assert r.status_code == 403 and r.json()["error"]["code"] == "member_blocked"
    assert state(central, m["id"]) == (50, 0)
    assert central.count(PointsHold) == 0


def test_a_hold_already_used_cannot_be_used_again_and_only_its_store_sees_it(central):
    use_test_key(central)
    other = add_store(central, "TOKO-02")
    m = new_member(central, points=80)
    h = hold(central, central.token, m["id"], 20).json()["hold_id"]
    assert call(central, other, "POST", f"/holds/{h}/post", {}).status_code == 404
    assert call(central, other, "POST", f"/holds/{h}/release").status_code == 404
    assert call(central, other, "GET", "/holds").json()["items"] == []
    sale = str(uuid.uuid4())
    assert call(central, central.token, "POST", f"/holds/{h}/post", {"sale_id": sale}).status_code == 200
    assert call(central, central.token, "POST", f"/holds/{h}/post", {"sale_id": sale}).status_code == 200  # retry
    again = call(central, central.token, "POST", f"/holds/{h}/post", {"sale_id": str(uuid.uuid4())})
    assert again.status_code == 409 and again.json()["error"]["code"] == "hold_used"
    assert call(central, central.token, "POST", f"/holds/{h}/release").json()["error"]["code"] == "hold_posted"
    assert state(central, m["id"]) == (60, 0)


def test_a_hold_expires_by_the_central_clock_and_its_points_are_free_again(central):
    from datetime import timedelta

    use_test_key(central, hold_minutes=15)
    m = new_member(central, points=40)
    assert hold(central, central.token, m["id"], 40).status_code == 201
    assert hold(central, central.token, m["id"], 1).status_code == 409
    real = central.ctx.clock
    central.ctx.clock = lambda: real() + timedelta(minutes=16)
    try:
        assert hold(central, central.token, m["id"], 40).status_code == 201
    finally:
        central.ctx.clock = real
    assert state(central, m["id"]) == (40, 40)


def test_an_earn_event_pushed_three_times_counts_once(central):
    use_test_key(central)
    m = new_member(central)
    sale, ev = member_sale(STORE, 1, m["id"], qty=10)  # Rp 70.000: 7 points
    push(central, central.token, STORE, [sale])
    outcomes = [push(central, central.token, STORE, [ev])["results"][0]["outcome"] for _ in range(3)]
    assert outcomes == ["applied", "duplicate", "duplicate"]
    assert central.count(PointsEntry, PointsEntry.member_id == m["id"], PointsEntry.kind == "earn") == 1
    assert state(central, m["id"]) == (7, 0)


def test_a_member_qr_with_one_byte_changed_is_refused_online(central):
    use_test_key(central)
    m = new_member(central, points=5)
    good = call(central, central.token, "POST", "/members/lookup", {"card": m["card"]})
    assert good.status_code == 200 and good.json()["balance"] == 5
    i = len(m["card"]) // 2
    bad = m["card"][:i] + ("A" if m["card"][i] != "A" else "B") + m["card"][i + 1 :]
    r = call(central, central.token, "POST", "/members/lookup", {"card": bad})
    assert r.status_code == 422 and r.json()["error"]["code"] in ("card_forged", "card_damaged")


def test_the_ledger_is_the_balance_after_earning_redeeming_and_adjusting(central):
    use_test_key(central)
    m = new_member(central, points=30)
    assert [
        r["outcome"]
        for r in push(central, central.token, STORE, list(member_sale(STORE, 1, m["id"], qty=18)))["results"]
    ] == ["applied", "applied"]  # Rp 126.000: 12 points
    loyalty.adjust(central.ctx, m["id"], -2, "correction")
    balance, _ = state(central, m["id"])
    assert balance == 40 == loyalty.ledger_sum(central.ctx, m["id"])
    assert [e["kind"] for e in loyalty.lookup(central.ctx, member_id=m["id"])["recent"]][:1] == ["adjust"]
