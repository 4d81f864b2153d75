"""The simulation's checkers: what must hold between the store's and central's databases after any history."""
from __future__ import annotations

from collections import Counter as Tally
from typing import Any

from sqlalchemy import func, select

MOVED_HERE = ("sale", "return", "adjustment")  # what the store does to its own stock in the simulation


def points_at_central(cctx: Any) -> int:
    from central.tables import PointsEntry

    with cctx.db.sessions() as s:
        return int(s.scalar(select(func.coalesce(func.sum(PointsEntry.points), 0))) or 0)


def check(store: Any, cctx: Any) -> list[str]:
    """The invariants; each broken one is a line naming what differs."""
    from central.tables import Member, PointsEntry, StockEntry, StockLevel
    from central.tables import Refund as CRefund
    from central.tables import RefundLine as CRefundLine
    from central.tables import Sale as CSale
    from central.tables import SaleLine as CSaleLine
    from central.tables import Tender as CTender
    from pos.adapters.tables import LoyaltyEntry, Refund, RefundLine, Sale, SaleLine, StockMovement, TenderRow

    problems: list[str] = []
    with store.db.sessions() as s:
        sales = {x.id: x.number for x in s.scalars(select(Sale).where(Sale.state == "completed"))}
        lines = Tally(s.scalars(select(SaleLine.sale_id).where(SaleLine.sale_id.in_(sales))))
        tenders = Tally(s.scalars(select(TenderRow.sale_id).where(TenderRow.sale_id.in_(sales))))
        refunds_ = set(s.scalars(select(Refund.id)))
        refund_lines = Tally(s.scalars(select(RefundLine.refund_id)))
        moved = {sku: int(q) for sku, q in s.execute(
            select(StockMovement.sku, func.sum(StockMovement.qty)).where(StockMovement.kind.in_(MOVED_HERE))
            .group_by(StockMovement.sku)).all()}
        earned_here = {m: int(p) for m, p in s.execute(
            select(LoyaltyEntry.member_id, func.sum(LoyaltyEntry.points)).group_by(LoyaltyEntry.member_id)).all()}
    with cctx.db.sessions() as s:
        c_sales = Tally(s.scalars(select(CSale.id)))
        c_lines = Tally(s.scalars(select(CSaleLine.sale_id)))
        c_tenders = Tally(s.scalars(select(CTender.sale_id)))
        c_refunds = Tally(s.scalars(select(CRefund.id)))
        c_refund_lines = Tally(s.scalars(select(CRefundLine.refund_id)))
        entries = dict(((loc, sku), int(q)) for loc, sku, q in s.execute(
            select(StockEntry.location, StockEntry.sku, func.sum(StockEntry.qty))
            .group_by(StockEntry.location, StockEntry.sku)).all())
        levels = {(x.location, x.sku): x.on_hand for x in s.scalars(select(StockLevel))}
        moved_c = {sku: int(q) for sku, q in s.execute(
            select(StockEntry.sku, func.sum(StockEntry.qty))
            .where(StockEntry.location == store.config.store.id, StockEntry.kind.in_(MOVED_HERE))
            .group_by(StockEntry.sku)).all()}
        ledger = dict(s.execute(select(PointsEntry.member_id, func.sum(PointsEntry.points))
                                .group_by(PointsEntry.member_id)).all())
        balances = {m.id: m.balance for m in s.scalars(select(Member))}
    for sid, number in sales.items():
        if c_sales[sid] != 1:
            problems.append(f"sale {number} is at central {c_sales[sid]} times")
        elif (c_lines[sid], c_tenders[sid]) != (lines[sid], tenders[sid]):
            problems.append(f"sale {number}: central has {c_lines[sid]} lines/{c_tenders[sid]} tenders, "
                            f"the store {lines[sid]}/{tenders[sid]}")
    for extra in set(c_sales) - set(sales):
        problems.append(f"central has a sale the store never completed: {extra}")
    for rid in refunds_:
        if c_refunds[rid] != 1 or c_refund_lines[rid] != refund_lines[rid]:
            problems.append(f"refund {rid}: at central {c_refunds[rid]} times with {c_refund_lines[rid]} lines, "
                            f"the store has {refund_lines[rid]} lines")
    for key in set(levels) | set(entries):
        if levels.get(key, 0) != entries.get(key, 0):
            problems.append(f"central stock {key}: level {levels.get(key, 0)} but movements add up to "
                            f"{entries.get(key, 0)}")
    for sku in set(moved) | set(moved_c):
        if moved.get(sku, 0) != moved_c.get(sku, 0):
            problems.append(f"stock {sku}: the store sold/returned/adjusted {moved.get(sku, 0)}, central recorded "
                            f"{moved_c.get(sku, 0)} for the store")
    for member, balance in balances.items():
        if balance != int(ledger.get(member, 0) or 0):
            problems.append(f"member {member}: balance {balance} but the ledger adds up to {ledger.get(member, 0)}")
    for member in set(earned_here) | {m for m, p in ledger.items() if p}:
        if earned_here.get(member, 0) != int(ledger.get(member, 0) or 0):
            problems.append(f"member {member}: the store booked {earned_here.get(member, 0)} points, central's "
                            f"ledger has {ledger.get(member, 0)}")
    return problems


