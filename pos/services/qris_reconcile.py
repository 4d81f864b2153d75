"""QRIS payments the manager must match by hand (issue 17): each static QRIS taken at a till (nobody but the cashier
saw it paid; its reference is matched with the acquirer's statement), and each dynamic QRIS the gateway confirmed
that no sale took (the shopper paid after the cashier moved on: refund them)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from common.tenders import GATEWAY_TENDERS, RECONCILE_TENDERS
from pos.adapters.tables import QrisCharge, Sale, TenderRow

COLUMNS = [
    ("at", "datetime"),
    ("number", "text"),
    ("cashier", "text"),
    ("tender", "tender"),
    ("amount", "money"),
    ("reference", "text"),
]
PAID = ("settlement", "capture", "partial_refund", "refund")


def rows(
    s: Session, lo: datetime, hi: datetime, local: Callable[[datetime], datetime], name: Callable[[str], str]
) -> list[dict[str, Any]]:
    static = s.execute(
        select(TenderRow.type, TenderRow.amount, TenderRow.reference, Sale.number, Sale.staff_id, Sale.completed_at)
        .join(Sale, Sale.id == TenderRow.sale_id)
        .where(
            TenderRow.type.in_(RECONCILE_TENDERS),
            Sale.state == "completed",
            Sale.completed_at >= lo,
            Sale.completed_at < hi,
        )
    ).all()
    out = [
        {
            "at": local(x.completed_at),
            "number": x.number,
            "cashier": name(x.staff_id),
            "tender": x.type,
            "amount": x.amount,
            "reference": x.reference or "",
        }
        for x in static
    ]
    stray = s.execute(
        select(QrisCharge, Sale.staff_id)
        .join(Sale, Sale.id == QrisCharge.sale_id)
        .where(
            QrisCharge.status.in_(PAID),
            QrisCharge.tender_id.is_(None),
            QrisCharge.updated_at >= lo,
            QrisCharge.updated_at < hi,
        )
    ).all()
    out += [
        {
            "at": local(c.updated_at),
            "number": "",
            "cashier": name(staff_id),
            "tender": GATEWAY_TENDERS[0],
            "amount": c.amount,
            "reference": c.transaction_id or c.id,
        }
        for c, staff_id in stray
    ]
    return sorted(out, key=lambda r: r["at"])
