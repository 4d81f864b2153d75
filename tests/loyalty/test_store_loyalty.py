"""Points at the till against a real central store (HTTP) and a real sync agent, SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from loyaltykit import new_member, use_test_key
from sqlalchemy import select
from synckit import AQUA_330, agents, central, connect_store, pg_url, sync_until_clean  # noqa: F401

from central.services import loyalty as central_loyalty
from central.tables import Member, PointsEntry
from common.errors import DomainError
from pos import bootstrap
from pos.adapters.tables import LoyaltyMember, Refund
from pos.services import checkout, loyalty, loyalty_redeem, refunds, till_sale
from pos.services.receipts import get_receipt
from pos.services.sale_views import get_sale

MANAGER = {"staff_code": "9001", "pin": "4321"}


def ring(store, till, qty):
    view, _ = till_sale.create_sale(store, till)
    return till_sale.add_line(store, till, view["id"], barcode=AQUA_330, qty=qty)


def pay_cash_and_complete(store, till, view):
    """As the till does it: the cash payment key completes the sale, unless central is to be asked first."""
    view = get_sale(store, view["id"])
    if view["remaining"]:
        view = checkout.pay(store, till, view["id"], "cash", view["remaining"])
    return view if view["state"] == "completed" else checkout.complete(store, till, view["id"])


def central_balance(central, member_id):
    with central.ctx.db.sessions() as s:
        return s.get(Member, member_id).balance


@pytest.fixture
def linked(central, store, open_till, agents):
    """A store connected to central, with points booked on its sales, synced once."""
    use_test_key(central)
    connect_store(store, central)
    bootstrap.enable(store, "points")
    agent = agents()
    return agent


def test_a_member_sale_earns_points_once_central_has_them(central, store, open_till, linked):
    m = new_member(central, points=0)
    sync_until_clean(linked)
    with store.db.sessions() as s:
        assert s.get(LoyaltyMember, m["id"]).number == m["number"]  # the member came with the pull
    view = ring(store, open_till, 8)  # 8 x Rp 3.500 = Rp 28.000 -> 2 points
    got = loyalty.attach(store, open_till, view["id"], card=m["card"])
    assert got["member"]["name"] == "Budi Santoso" and got["member"]["expected_points"] == 2
    done = pay_cash_and_complete(store, open_till, view)
    assert done["loyalty"]["earned"] == 2 and done["loyalty"]["balance"] == 2
    assert central_balance(central, m["id"]) == 0  # not spendable before central has it
    sync_until_clean(linked)
    assert central_balance(central, m["id"]) == 2
    with store.db.sessions() as s:
        assert loyalty.balance_of(s, s.get(LoyaltyMember, m["id"])) == 2  # the copy, not counted twice


def test_a_member_is_found_by_phone_in_any_spelling(central, store, open_till, linked):
    m = new_member(central, phone="0812-7777-1234")
    view = ring(store, open_till, 1)
    got = loyalty.attach(store, open_till, view["id"], phone="+62 812 7777 1234")
    assert got["member"]["number"] == m["number"] and got["member"]["phone"].endswith("234")


def test_refund_of_half_a_member_sale_reverses_half_its_points_and_gives_back_the_redeemed_points(
    central, store, open_till, manager, linked
):
    m = new_member(central, points=100)
    sync_until_clean(linked)
    view = ring(store, open_till, 12)  # Rp 42.000
    loyalty.attach(store, open_till, view["id"], card=m["card"])
    paid = loyalty_redeem.redeem(store, open_till, view["id"], 20)  # 20 points = Rp 2.000, held at central
    assert paid["redeemed"] == {"points": 20, "value": 2000, "mode": "online"}
    done = pay_cash_and_complete(store, open_till, paid["sale"])
    assert done["loyalty"]["earned"] == 4  # Rp 40.000 paid in money: 4 points
    assert done["loyalty"]["redeemed"] == 20 and done["loyalty"]["balance"] == 84
    line = done["lines"][0]["id"]
    half = refunds.refund(store, manager, done["number"], [(line, 6)], MANAGER)
    assert half["loyalty"]["reversed"] == 2  # half of the 4 earned
    assert half["points_back"] == {"points": 10, "value": 1000}  # half of the 20 used, as points
    assert half["amount"] == 21_000 - 1_000  # the rest in money
    assert half["loyalty"]["balance"] == 84 - 2 + 10
    reprint = get_receipt(store, half["number"])  # as stored: the points given back are on it too
    assert [(t.type, t.amount) for t in reprint.tenders] == [("cash", 20_000), ("points", 1_000)]
    assert reprint.total == 21_000
    rest = refunds.refund(store, manager, done["number"], [(line, 6)], MANAGER)
    assert (rest["loyalty"]["reversed"], rest["points_back"]["points"], rest["amount"]) == (2, 10, 20_000)
    sync_until_clean(linked)
    assert central_balance(central, m["id"]) == 100 == central_loyalty.ledger_sum(central.ctx, m["id"])
    with store.db.sessions() as s:
        assert sum(r.amount for r in s.scalars(select(Refund))) == 40_000  # money back = money paid
    kinds = [k for (k,) in central.rows(select(PointsEntry.kind).where(PointsEntry.member_id == m["id"]))]
    assert sorted(kinds) == ["adjust", "earn", "redeem", "reverse", "reverse", "reverse", "reverse"]


def test_points_can_never_pay_more_than_is_due(central, store, open_till, linked):
    m = new_member(central, points=1000)
    sync_until_clean(linked)
    view = ring(store, open_till, 1)  # Rp 3.500: at most 35 points
    loyalty.attach(store, open_till, view["id"], card=m["card"])
    with pytest.raises(DomainError) as e:
        loyalty_redeem.redeem(store, open_till, view["id"], 36)
    assert e.value.code == "points_exceed_due"
    paid = loyalty_redeem.redeem(store, open_till, view["id"])  # as many as fit
    assert paid["redeemed"]["points"] == 35 and paid["sale"]["remaining"] == 0


def test_an_unreachable_central_refuses_points_with_a_clear_message_and_changes_nothing(
    central, store, open_till, linked, facts
):
    m = new_member(central, points=500)
    sync_until_clean(linked)
    view = ring(store, open_till, 2)
    loyalty.attach(store, open_till, view["id"], card=m["card"])  # offline-verified QR works too
    store.config.sync.central_url = "http://127.0.0.1:9"  # nothing listens there
    before = facts()
    with pytest.raises(DomainError) as e:
        loyalty_redeem.redeem(store, open_till, view["id"], 10)
    assert e.value.status == 424 and e.value.code == "central_unreachable"
    assert "cannot be reached" in e.value.message
    assert facts() == before


def test_the_member_qr_printed_on_the_receipt_is_the_members_genuine_card(central, store, open_till, linked):
    m = new_member(central)
    sync_until_clean(linked)
    view = ring(store, open_till, 3)
    loyalty.attach(store, open_till, view["id"], phone="0" + m["phone"][2:])
    done = pay_cash_and_complete(store, open_till, view)
    receipt = get_receipt(store, done["number"])
    assert receipt.member_number == m["number"] and receipt.points_earned == 1
    assert loyalty.read_card(store, receipt.member_qr).member_id == m["id"]
