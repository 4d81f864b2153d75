"""Points events are checked against the member sale they name and central's earn rule of that sale's time: a
store token cannot mint, take or spend points on its own word (over HTTP, SQLite and PostgreSQL)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from checkkit import Pusher, assert_refused, holdings, pusher
from loyaltykit import new_member, use_test_key
from sqlalchemy import select
from synckit import STORE, agents, central, pg_url, sale_payload  # noqa: F401

from central.services import loyalty_admin, loyalty_holds, member_cards, offline_allowances
from central.services import push as push_service


def member_sale(
    p: Pusher, member_id: str | None, qty: int = 10, points_paid: int = 0, completed_at: str = "2026-11-23T10:00:00"
) -> dict[str, Any]:
    """An honest sale of two lines of Rp 3.500 x qty, part paid in points (Rp 100 a point), applied."""
    sale = {**sale_payload(p.store_id, p.seq + 1, qty=qty), "member_id": member_id, "completed_at": completed_at}
    if points_paid:
        sale["tenders"][0]["amount"] -= points_paid
        sale["tenders"].append({"id": str(uuid.uuid4()), "type": "points", "amount": points_paid})
    p.applied("sale.completed", sale)
    return sale


def earn(sale: dict[str, Any], member_id: str, points: int) -> dict[str, Any]:
    return {"entry_id": str(uuid.uuid4()), "member_id": member_id, "sale_id": sale["sale_id"], "points": points}


def test_earned_points_need_a_member_sale_of_the_store_and_follow_the_rule(central):
    use_test_key(central)
    budi, siti = new_member(central)["id"], new_member(central)["id"]
    p = pusher(central, STORE)
    sale = member_sale(p, budi)  # Rp 70.000: 7 points at 1 per Rp 10.000
    before = holdings(central)
    ghost = {**sale, "sale_id": str(uuid.uuid4())}
    assert_refused(central, p, p.push("loyalty.earned", earn(ghost, budi, 7)), "unknown_sale", before)
    assert_refused(central, p, p.push("loyalty.earned", earn(sale, budi, 1_000_000)), "points_not_by_rule", before)
    assert_refused(central, p, p.push("loyalty.earned", earn(sale, siti, 7)), "member_not_on_sale", before)
    other = pusher(central, "TOKO-02")
    assert_refused(central, other, other.push("loyalty.earned", earn(sale, budi, 7)), "other_store_sale", before)
    plain = member_sale(p, None)
    before = holdings(central)
    assert_refused(central, p, p.push("loyalty.earned", earn(plain, budi, 7)), "member_not_on_sale", before)
    p.applied("loyalty.earned", earn(sale, budi, 7))
    before = holdings(central)
    assert_refused(central, p, p.push("loyalty.earned", earn(sale, budi, 7)), "already_earned", before)
    assert before["balances"][budi] == 7 and before["balances"][siti] == 0


def test_a_late_sale_is_checked_by_the_rule_of_its_own_time(central):
    use_test_key(central)
    budi = new_member(central)["id"]
    change = datetime(2026, 11, 23, 12, 0)
    loyalty_admin.set_rule(central.ctx, earn_per_amount=5000, point_value=100, effective_from=change)
    p = pusher(central, STORE)
    old = member_sale(p, budi, completed_at="2026-11-23T11:59:00")  # Rp 70.000 under the old rule: 7
    new = member_sale(p, budi, completed_at="2026-11-23T12:01:00")  # under the new one: 14
    p.applied("loyalty.earned", earn(old, budi, 7))
    before = holdings(central)
    assert_refused(central, p, p.push("loyalty.earned", earn(new, budi, 7)), "points_not_by_rule", before)
    p.applied("loyalty.earned", earn(new, budi, 14))
    feed = push_service.pull(central.ctx, STORE, 0, 10_000)["changes"]
    rules = [c["data"]["rules"] for c in feed if c["topic"] == "loyalty_settings"][-1]
    assert [(r["earn_per_amount"], r["effective_from"]) for r in rules][-1] == (5000, change.isoformat())


def test_reversals_never_take_back_more_than_was_earned_nor_give_back_more_than_was_spent(central):
    use_test_key(central)
    budi = new_member(central, points=50)["id"]
    p = pusher(central, STORE)
    sale = member_sale(p, budi, points_paid=2000)  # Rp 70.000, Rp 2.000 of it in 20 points: 6 points earned
    allowance = offline_allowances.grant_allowance(central.ctx, budi, STORE, points=40)
    p.applied(
        "loyalty.redeemed",
        {
            "entry_id": str(uuid.uuid4()),
            "member_id": budi,
            "sale_id": sale["sale_id"],
            "points": 20,
            "mode": "offline",
            "allowance_id": allowance["id"],
        },
    )
    p.applied("loyalty.earned", earn(sale, budi, 6))
    refund = {
        "id": str(uuid.uuid4()),
        "number": f"{STORE}-T1-000099",
        "sale_id": sale["sale_id"],
        "till_id": "T1",
        "tender_type": "cash",
        "amount": 3500,
        "lines": [
            {
                "id": str(uuid.uuid4()),
                "sku": sale["lines"][0]["sku"],
                "sale_line_id": sale["lines"][0]["id"],
                "qty": 1,
                "amount": 3500,
            }
        ],
    }
    p.applied("refund.completed", refund)

    def reverse(points: int, restored: int, refund_id: str = refund["id"]) -> dict[str, Any]:
        return {
            "member_id": budi,
            "sale_id": sale["sale_id"],
            "refund_id": refund_id,
            "points": points,
            "entry_id": str(uuid.uuid4()),
            "restored": restored,
            "restore_entry_id": str(uuid.uuid4()),
        }

    before = holdings(central)
    assert_refused(central, p, p.push("loyalty.reversed", reverse(0, 21)), "restore_exceeds_redeemed", before)
    assert_refused(central, p, p.push("loyalty.reversed", reverse(0, 1, str(uuid.uuid4()))), "unknown_refund", before)
    p.applied("loyalty.reversed", reverse(5, 0))
    before = holdings(central)
    assert_refused(central, p, p.push("loyalty.reversed", reverse(2, 0)), "reversal_exceeds_earned", before)
    assert before["balances"][budi] == 50 - 20 + 6 - 5


def test_redemptions_stay_within_the_sales_points_payments_and_their_hold_or_allowance(central):
    use_test_key(central)
    budi = new_member(central, points=500)["id"]
    p = pusher(central, STORE)
    pusher(central, "TOKO-02")
    card = member_cards.card_for(central.ctx, budi)
    theirs = loyalty_holds.hold(central.ctx, "TOKO-02", str(uuid.uuid4()), budi, 10, None, card=card)["hold_id"]
    allowance = offline_allowances.grant_allowance(central.ctx, budi, STORE, points=30)["id"]
    sale = member_sale(p, budi, qty=20, points_paid=5000)  # 50 points paid

    def redeem(points: int, mode: str = "offline", **extra: Any) -> dict[str, Any]:
        return {
            "entry_id": str(uuid.uuid4()),
            "member_id": budi,
            "sale_id": sale["sale_id"],
            "points": points,
            "mode": mode,
            "allowance_id": allowance,
            **extra,
        }

    before = holdings(central)
    assert_refused(central, p, p.push("loyalty.redeemed", redeem(51)), "redeem_exceeds_tender", before)
    assert_refused(
        central, p, p.push("loyalty.redeemed", redeem(10, "online", hold_id=theirs)), "hold_mismatch", before
    )
    assert_refused(central, p, p.push("loyalty.redeemed", redeem(31)), "allowance_exceeded", before)
    assert_refused(central, p, p.push("loyalty.redeemed", redeem(5, allowance_id=None)), "no_allowance", before)
    p.applied("loyalty.redeemed", redeem(30))
    assert holdings(central)["balances"][budi] == 470
    assert loyalty_holds.store_holds(central.ctx, "TOKO-02")[0]["state"] == "held"


def test_honest_member_sales_with_promotions_discounts_points_rounding_and_both_ppn_rates_all_pass(
    central, store, open_till, manager, agents
):
    """The real store code, through its agent: nothing it sends is refused, under a rule pulled from central."""
    from loyaltykit import new_member as member
    from synckit import AQUA_330, connect_store, sync_until_clean

    from central.services import catalog
    from central.tables import Alert, DeadLetter, PointsEntry, Sale
    from common.demo_data import demo_products
    from pos import bootstrap
    from pos.services import checkout, loyalty, loyalty_redeem, refunds, sales, till_sale
    from pos.services.loyalty_settings import settings

    use_test_key(central)
    gula = next(p for p in demo_products() if p.barcode == "8990000100980")  # PPN 0%
    catalog.save_product(
        central.ctx, gula.sku, name=gula.name, price=gula.price, barcode=gula.barcode, tax_group="NONPPN", create=True
    )
    catalog.save_promotion(central.ctx, name="Aqua hemat", kind="percent", value=1500, skus=["SKU-00001"])
    now = central.ctx.clock()
    loyalty_admin.set_rule(central.ctx, earn_per_amount=5000, point_value=100, effective_from=now - timedelta(days=1))
    loyalty_admin.set_rule(central.ctx, earn_per_amount=2000, point_value=100, effective_from=now + timedelta(hours=1))
    budi = member(central, points=1000)
    store.config.currency.cash_rounding = 100
    connect_store(store, central)
    bootstrap.enable(store, "points")
    agent = agents()
    sync_until_clean(agent)
    with store.db.sessions() as s:  # the agent kept central's rules; the store picks by the time
        assert settings(s, store).earn_per_amount == 5000
        assert settings(s, store, now + timedelta(hours=2)).earn_per_amount == 2000

    def sell(qty_aqua: int, points: int) -> dict[str, Any]:
        view, _ = till_sale.create_sale(store, open_till)
        till_sale.add_line(store, open_till, view["id"], barcode=AQUA_330, qty=qty_aqua)
        till_sale.add_line(store, open_till, view["id"], barcode=gula.barcode, qty=1)
        sales.apply_discount(store, open_till, view["id"], "percent", 5)  # the member's 5% off the sale
        loyalty.attach(store, open_till, view["id"], card=budi["card"])
        view = loyalty_redeem.redeem(store, open_till, view["id"], points)["sale"]
        view = till_sale.add_tender(store, open_till, view["id"], "cash", view["remaining"] + 700, None)
        return checkout.complete(store, open_till, view["id"])

    first = sell(7, 33)
    assert first["rounding"] != 0 and len(first["taxes"]) == 2 and first["change"] > 0
    assert first["lines"][0]["line_discount"] > 0 and first["lines"][1]["sale_discount"] > 0  # promotion, 5% off
    refunds.refund(
        store, manager, first["number"], [(first["lines"][0]["id"], 3)], {"staff_code": "9001", "pin": "4321"}
    )
    real = store.clock
    store.clock = lambda: real() + timedelta(hours=2)  # after the scheduled rule took effect
    try:
        later = sell(3, 12)
    finally:
        store.clock = real
    sync_until_clean(agent)
    assert central.count(DeadLetter) == 0 and central.count(Alert, Alert.kind == "event_refused") == 0
    assert central.count(Sale) == 2
    earned = dict(central.rows(select(PointsEntry.ref_id, PointsEntry.points).where(PointsEntry.kind == "earn")))
    assert earned == {first["id"]: first["loyalty"]["earned"], later["id"]: later["loyalty"]["earned"]}
    assert later["loyalty"]["earned"] == (later["total"] - 1200) // 2000
