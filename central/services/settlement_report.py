"""The daily settlement report (issue 17 point 5): per day in the shop's time zone, what the gateway settled and
refunded (online orders and dynamic QRIS at the tills) against the sales and refunds recorded with those tenders,
and each payment that does not have its counterpart yet, so finance can match the gateway's statement."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from central.tables import Location, Payment, PaymentRefund, Refund, Sale, Tender, TillCharge, TillChargeRefund

from . import report_days
from .context import CentralContext
from .payment_apply import TENDER as ONLINE_TENDER

TILL_TENDER = "qris_dynamic"
FIGURES = ("gateway_sales", "recorded_sales", "gateway_refunds", "recorded_refunds")


@dataclass(frozen=True)
class Gap:
    day: date
    kind: str  # the admin's words: settle.kind.<kind>
    channel: str  # online | store id
    ref: str  # the gateway order id, a sale number, a refund number
    amount: int


def report(ctx: CentralContext, start: date | None = None, end: date | None = None) -> dict[str, Any]:
    start, end = report_days.day_range(ctx, start, end, default_days=14)
    zone = report_days.zone(ctx)
    lo, hi = report_days.begins(ctx, start), report_days.begins(ctx, end + timedelta(days=1))

    def day(at: datetime | None) -> date:
        return (at or lo).replace(tzinfo=UTC).astimezone(zone).date()

    days: dict[date, dict[str, int]] = {
        start + timedelta(days=i): dict.fromkeys(FIGURES, 0) for i in range((end - start).days + 1)
    }
    gaps: list[Gap] = []
    with ctx.db.sessions() as s:
        online = s.execute(
            select(Payment.order_id, Payment.amount, Payment.settled_at, Payment.sale_id).where(
                Payment.settled_at >= lo, Payment.settled_at < hi
            )
        ).all()
        tills = s.execute(
            select(
                TillCharge.order_id, TillCharge.amount, TillCharge.settled_at, TillCharge.sale_id, TillCharge.store_id
            ).where(TillCharge.settled_at >= lo, TillCharge.settled_at < hi)
        ).all()
        when = func.coalesce(Sale.completed_at, Sale.recorded_at)
        recorded = s.execute(
            select(when, Tender.amount)
            .join(Tender, Tender.sale_id == Sale.id)
            .where(Tender.type.in_((ONLINE_TENDER, TILL_TENDER)), when >= lo, when < hi)
        ).all()
        refunds_out = [
            *s.execute(
                select(PaymentRefund.id, PaymentRefund.amount, PaymentRefund.created_at, Payment.order_id)
                .join(Payment, Payment.id == PaymentRefund.payment_id)
                .where(PaymentRefund.created_at >= lo, PaymentRefund.created_at < hi)
            ).all(),
            *s.execute(
                select(TillChargeRefund.id, TillChargeRefund.amount, TillChargeRefund.created_at, TillCharge.order_id)
                .join(TillCharge, TillCharge.id == TillChargeRefund.charge_id)
                .where(TillChargeRefund.created_at >= lo, TillChargeRefund.created_at < hi)
            ).all(),
        ]
        refunds_in = s.execute(
            select(Refund.created_at, Refund.amount).where(
                Refund.tender_type.in_((ONLINE_TENDER, TILL_TENDER)), Refund.created_at >= lo, Refund.created_at < hi
            )
        ).all()
        sale_ids = {r[3] for r in tills if r[3]} | {r[3] for r in online if r[3]}
        have_sales = set(s.scalars(select(Sale.id).where(Sale.id.in_(sale_ids)))) if sale_ids else set()
        refund_keys = {r[0] for r in refunds_out}
        facts = {r[0] for r in s.execute(select(Refund.event_id).where(Refund.event_id.in_(refund_keys)))} | {
            r[0] for r in s.execute(select(Refund.id).where(Refund.id.in_(refund_keys)))
        }
        online_facts = {
            key: fact
            for key, fact in s.execute(
                select(PaymentRefund.id, PaymentRefund.refund_fact_id).where(PaymentRefund.id.in_(refund_keys))
            )
        }
    for order_id, amount, at, sale_id in online:
        days[day(at)]["gateway_sales"] += amount
        if sale_id not in have_sales:
            gaps.append(Gap(day(at), "paid_no_sale", "online", order_id, amount))
    for order_id, amount, at, sale_id, store_id in tills:
        days[day(at)]["gateway_sales"] += amount
        if sale_id not in have_sales:
            gaps.append(Gap(day(at), "paid_no_sale", store_id, order_id, amount))
    for at, amount in recorded:
        days[day(at)]["recorded_sales"] += int(amount)
    for key, amount, at, order_id in refunds_out:
        days[day(at)]["gateway_refunds"] += amount
        if key not in facts and not online_facts.get(key):
            gaps.append(Gap(day(at), "refund_not_recorded", "", order_id, amount))
    for at, amount in refunds_in:
        days[day(at)]["recorded_refunds"] += int(amount)
    rows = [
        {
            "date": d,
            **figures,
            "difference": figures["gateway_sales"]
            - figures["gateway_refunds"]
            - figures["recorded_sales"]
            + figures["recorded_refunds"],
        }
        for d, figures in sorted(days.items(), reverse=True)
    ]
    by_day: dict[date, list[Gap]] = defaultdict(list)
    for g in gaps:
        by_day[g.day].append(g)
    channels = {g.channel for g in gaps if g.channel}
    with ctx.db.sessions() as s:  # a gap's store by its name, as people read it
        places = dict(s.execute(select(Location.code, Location.name).where(Location.code.in_(channels))).all())
    return {
        "places": places,
        "start": start,
        "end": end,
        "days": rows,
        "gaps": [g for d in sorted(by_day, reverse=True) for g in by_day[d]],
        "totals": {k: sum(r[k] for r in rows) for k in (*FIGURES, "difference")},
    }
