"""The simulation's checkers: what must hold between the stores' and central's databases after any history.

- Sales and refunds: every one a store completed is at central exactly once, with the same number of lines
  and tenders; central has none the store did not make.
- Stock: at central, each (location, sku) level equals the sum of its movements; what each store sold, took
  back, adjusted and received equals what central recorded for that store.
- Points: each member's balance equals the sum of the ledger; every points entry a store booked (earned,
  reversed, redeemed) is at central once with the same points, and central has none from a store that the
  store did not book; every earn entry follows the rule (1 point per `earn_per_amount` paid other than with
  points); no member is in debt beyond the offline allowances central granted them, and no store redeemed
  more offline than its allowance for the member.
- Carts: central holds at most one order per cart; a cart paid twice (online and in a store, or in two stores)
  left a conflict task for each payment that is not the order; no cart was paid online twice under two ids.

A central restore loses what only central knew after its backup (carts made and paid online in between):
the journal knows that window and the cart checks leave those out. Everything the stores did must survive.
"""

from __future__ import annotations

import random
from collections import Counter as Tally
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

MOVED_HERE = ("sale", "return", "adjustment", "receipt")  # what a store does to its own stock in the simulation


@dataclass
class CartRecord:
    id: str
    code: str
    made_at: datetime
    online: list[tuple[str, datetime]] = field(default_factory=list)  # (checkout id, when) paid online
    in_store: list[tuple[str, str]] = field(default_factory=list)  # (store id, sale id) paid at a till


@dataclass
class Journal:
    """What the simulation did that only central would otherwise know (the online shop's side)."""

    carts: dict[str, CartRecord] = field(default_factory=dict)
    holds: dict[str, datetime] = field(default_factory=dict)  # sale id -> when central granted its points hold
    payments: dict[str, datetime] = field(default_factory=dict)  # gateway order id -> when the shopper started it
    backup_at: datetime | None = None
    restored_at: datetime | None = None

    def cart_made(self, cart_id: str, code: str, at: datetime) -> None:
        self.carts[cart_id] = CartRecord(cart_id, code, at)

    def some_cart(self, rng: random.Random) -> CartRecord:
        return self.carts[rng.choice(list(self.carts))]  # in the order they were made: the same each replay

    def paid_online(self, cart_id: str, checkout_id: str, at: datetime) -> None:
        self.carts[cart_id].online.append((checkout_id, at))

    def paid_in_store(self, cart_id: str, store_id: str, sale_id: str) -> None:
        self.carts[cart_id].in_store.append((store_id, sale_id))

    def backup_taken(self, at: datetime) -> None:
        self.backup_at = at

    def restored(self, at: datetime) -> None:
        self.restored_at = at

    def lost(self, at: datetime) -> bool:
        """Did central lose what it alone learnt at `at` (after the backup, before the restore)?"""
        return self.backup_at is not None and self.restored_at is not None and self.backup_at <= at < self.restored_at


def check(stores: list[Any], central: Any, journal: Journal, gateway: Any = None) -> list[str]:
    """The invariants; each broken one is a line naming what differs."""
    import sim_omni_checks

    problems: list[str] = sim_omni_checks.transfers(stores, central.ctx)
    if gateway is not None:
        problems += sim_omni_checks.payments(central.ctx, gateway, journal)
    for store in stores:
        problems += _sales(store, central.ctx)
    problems += _stock(stores, central.ctx)
    problems += _points(stores, central.ctx)
    problems += _holds(central.ctx, journal)
    problems += _carts(central.ctx, journal)
    return problems


def _sales(store: Any, cctx: Any) -> list[str]:
    from central.tables import Refund as CRefund
    from central.tables import RefundLine as CRefundLine
    from central.tables import Sale as CSale
    from central.tables import SaleLine as CSaleLine
    from central.tables import Tender as CTender
    from pos.adapters.tables import Refund, RefundLine, Sale, SaleLine, TenderRow

    problems: list[str] = []
    with store.ctx.db.sessions() as s:
        sales = {x.id: x.number for x in s.scalars(select(Sale).where(Sale.state == "completed"))}
        lines = Tally(s.scalars(select(SaleLine.sale_id).where(SaleLine.sale_id.in_(sales))))
        tenders = Tally(s.scalars(select(TenderRow.sale_id).where(TenderRow.sale_id.in_(sales))))
        refunds = set(s.scalars(select(Refund.id)))
        refund_lines = Tally(s.scalars(select(RefundLine.refund_id)))
    with cctx.db.sessions() as s:
        here = select(CSale.id).where(CSale.store_id == store.id)
        c_sales = Tally(s.scalars(here))
        c_lines = Tally(s.scalars(select(CSaleLine.sale_id).where(CSaleLine.sale_id.in_(here))))
        c_tenders = Tally(s.scalars(select(CTender.sale_id).where(CTender.sale_id.in_(here))))
        c_refunds = Tally(s.scalars(select(CRefund.id).where(CRefund.store_id == store.id)))
        c_refund_lines = Tally(s.scalars(select(CRefundLine.refund_id)))
    for sid, number in sales.items():
        if c_sales[sid] != 1:
            problems.append(f"{store.id} sale {number} is at central {c_sales[sid]} times")
        elif (c_lines[sid], c_tenders[sid]) != (lines[sid], tenders[sid]):
            problems.append(
                f"{store.id} sale {number}: central has {c_lines[sid]} lines/{c_tenders[sid]} tenders, "
                f"the store {lines[sid]}/{tenders[sid]}"
            )
    for extra in set(c_sales) - set(sales):
        problems.append(f"central has a sale {store.id} never completed: {extra}")
    for rid in refunds | set(c_refunds):
        if c_refunds[rid] != 1 or c_refund_lines[rid] != refund_lines[rid]:
            problems.append(
                f"{store.id} refund {rid}: at central {c_refunds[rid]} times with {c_refund_lines[rid]} "
                f"lines, the store has {refund_lines[rid]} lines"
            )
    return problems


def _stock(stores: list[Any], cctx: Any) -> list[str]:
    from central.tables import StockEntry, StockLevel
    from pos.adapters.tables import StockMovement

    problems: list[str] = []
    with cctx.db.sessions() as s:
        entries = {
            (loc, sku): int(q)
            for loc, sku, q in s.execute(
                select(StockEntry.location, StockEntry.sku, func.sum(StockEntry.qty)).group_by(
                    StockEntry.location, StockEntry.sku
                )
            ).all()
        }
        levels = {
            (loc, sku): q
            for loc, sku, q in s.execute(select(StockLevel.location, StockLevel.sku, StockLevel.on_hand)).all()
        }
        recorded = {
            (loc, sku): int(q)
            for loc, sku, q in s.execute(
                select(StockEntry.location, StockEntry.sku, func.sum(StockEntry.qty))
                .where(StockEntry.kind.in_(MOVED_HERE))
                .group_by(StockEntry.location, StockEntry.sku)
            ).all()
        }
    for key in set(levels) | set(entries):
        if levels.get(key, 0) != entries.get(key, 0):
            problems.append(
                f"central stock {key}: level {levels.get(key, 0)} but movements add up to {entries.get(key, 0)}"
            )
    for store in stores:
        with store.ctx.db.sessions() as s:
            moved = {
                sku: int(q)
                for sku, q in s.execute(
                    select(StockMovement.sku, func.sum(StockMovement.qty))
                    .where(StockMovement.kind.in_(MOVED_HERE))
                    .group_by(StockMovement.sku)
                ).all()
            }
        theirs = {sku: q for (loc, sku), q in recorded.items() if loc == store.id}
        for sku in set(moved) | set(theirs):
            if moved.get(sku, 0) != theirs.get(sku, 0):
                problems.append(
                    f"stock {sku}: {store.id} sold/returned/adjusted/received {moved.get(sku, 0)}, central "
                    f"recorded {theirs.get(sku, 0)} for it"
                )
    return problems


def _points(stores: list[Any], cctx: Any) -> list[str]:
    from central.tables import Alert, Member, OfflineAllowance, PointsEntry
    from central.tables import Sale as CSale
    from central.tables import Tender as CTender
    from common.loyalty import points_earned
    from pos.adapters.tables import LoyaltyEntry, LoyaltyRedemption

    problems: list[str] = []
    booked: dict[str, int] = {}  # entry id -> points, as the stores booked them
    for store in stores:
        with store.ctx.db.sessions() as s:
            booked.update({e.id: e.points for e in s.scalars(select(LoyaltyEntry))})
            booked.update(
                {r.id: -r.points for r in s.scalars(select(LoyaltyRedemption).where(LoyaltyRedemption.state == "used"))}
            )
    per = cctx.config.loyalty.earn_per_amount
    with cctx.db.sessions() as s:
        ledger = {e.id: e for e in s.scalars(select(PointsEntry))}
        sums = Tally()
        for e in ledger.values():
            sums[e.member_id] += e.points
        balances = {m.id: (m.number, m.balance) for m in s.scalars(select(Member))}
        allowed = Tally(
            {
                m: int(p)
                for m, p in s.execute(
                    select(OfflineAllowance.member_id, func.sum(OfflineAllowance.points)).group_by(
                        OfflineAllowance.member_id
                    )
                ).all()
            }
        )
        overspent = list(
            s.execute(
                select(
                    OfflineAllowance.member_id,
                    OfflineAllowance.store_id,
                    OfflineAllowance.used,
                    OfflineAllowance.points,
                ).where(OfflineAllowance.used > OfflineAllowance.points)
            )
        )
        overspent += [
            (a.store_id, a.message, "", "") for a in s.scalars(select(Alert).where(Alert.kind == "allowance_exceeded"))
        ]
        totals = dict(s.execute(select(CSale.id, CSale.total)).all())
        by_points = Tally(
            {
                sid: int(a)
                for sid, a in s.execute(
                    select(CTender.sale_id, func.sum(CTender.amount))
                    .where(CTender.type == "points")
                    .group_by(CTender.sale_id)
                ).all()
            }
        )
    for member, (number, balance) in balances.items():
        if balance != sums[member]:
            problems.append(f"member {number}: balance {balance} but the ledger adds up to {sums[member]}")
        if balance < -allowed[member]:
            problems.append(
                f"member {number}: in debt by {-balance} points, beyond the {allowed[member]} "
                "offline allowances granted"
            )
    for over in overspent:
        problems.append(f"an offline allowance was overspent: {over}")
    for entry_id, points in booked.items():
        e = ledger.get(entry_id)
        if e is None or e.points != points:
            problems.append(
                f"points entry {entry_id} ({points}) booked at a store is "
                + ("not at central" if e is None else f"{e.points} at central")
            )
    for e in ledger.values():
        if e.store_id and e.kind in ("earn", "redeem", "reverse") and e.id not in booked:
            problems.append(f"central has a {e.kind} entry of {e.points} from {e.store_id} no store booked: {e.id}")
        if e.kind == "earn" and e.ref_id in totals:
            rule = points_earned(totals[e.ref_id] - by_points[e.ref_id], per)
            if e.points != rule:
                problems.append(f"sale {e.ref_id} earned {e.points} points; the rule gives {rule}")
    return problems


def _holds(cctx: Any, journal: Journal) -> list[str]:
    """A points hold must still be there when its sale reaches central, unless a restore lost it: a hold that
    lapsed first freed the points for a second spend, with no allowance to bound it."""
    from central.tables import Alert

    with cctx.db.sessions() as s:
        alerts = list(s.scalars(select(Alert.message).where(Alert.kind == "hold_not_held")))
    problems = []
    for message in alerts:
        sale_id = message.split()[1] if message.startswith("sale ") else ""
        held_at = journal.holds.get(sale_id)
        if held_at is None or not journal.lost(held_at):
            problems.append(f"a points hold was gone when its sale reached central: {message}")
    return problems


def _carts(cctx: Any, journal: Journal) -> list[str]:
    from central.tables import CartOrder, ReconciliationItem

    problems: list[str] = []
    with cctx.db.sessions() as s:
        orders = Tally(s.scalars(select(CartOrder.cart_id)))
        order_of = {o.cart_id: o for o in s.scalars(select(CartOrder))}
        conflicts = set(s.scalars(select(ReconciliationItem.ref_id).where(ReconciliationItem.kind == "cart_conflict")))
    for cart in journal.carts.values():
        if orders[cart.id] > 1:
            problems.append(f"cart {cart.code} has {orders[cart.id]} orders at central")
        online = {cid for cid, at in cart.online if not journal.lost(at)}
        if len(online) > 1:
            problems.append(f"cart {cart.code} was paid online twice: {sorted(online)}")
        if journal.lost(cart.made_at):
            continue  # central lost this cart with the restore; the stores' sales of it are checked above
        order = order_of.get(cart.id)
        payers = len(online) + len(cart.in_store)
        if payers and order is None:
            problems.append(f"cart {cart.code} was paid {payers} times and central has no order for it")
        for store_id, sale_id in cart.in_store:
            if order is not None and order.sale_id != sale_id and sale_id not in conflicts:
                problems.append(
                    f"cart {cart.code}: {store_id} sale {sale_id} paid for it too, and no manager "
                    "was told (no conflict task)"
                )
    return problems
