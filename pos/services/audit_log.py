"""The audit log for the manager: voids, refunds, overrides, discounts, drawer openings, dead-letter actions."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import or_, select

from common.errors import DomainError
from common.measure import WEIGHT
from pos.adapters.tables import AuditEntry, Product, Refund, Sale, Staff

from .audit_words import Lookups, words
from .context import StoreContext
from .store_time import period, store_zone, to_local
from .transfer_views import partners

MAX_ROWS = 2000
COLUMNS = [
    ("at", "datetime"),
    ("action", "action"),
    ("till_id", "text"),
    ("requested_by", "text"),
    ("approved_by", "text"),
    ("ref_id", "text"),
    ("detail", "text"),
]


def audit_log(
    ctx: StoreContext,
    *,
    action: str = "",
    start: date | None = None,
    end: date | None = None,
    staff: str = "",
    approved_only: bool = False,
    locale: str = "id",
) -> dict[str, Any]:
    """Entries newest first, filtered by action, local date range and staff code (who asked or who approved); each
    entry's detail a sentence in `locale`."""
    per = period(ctx, start, end)
    lo, hi = per.utc_bounds()
    with ctx.db.sessions() as s:
        people = {x.id: x for x in s.scalars(select(Staff))}
        stmt = select(AuditEntry).where(AuditEntry.at >= lo, AuditEntry.at < hi)
        if action:
            stmt = stmt.where(AuditEntry.action == action)
        if staff:
            ids = [x.id for x in people.values() if x.code == staff.strip()]
            if not ids:
                raise DomainError("unknown_staff", f"no staff member has code {staff}", staff_code=staff)
            stmt = stmt.where(or_(AuditEntry.requested_by.in_(ids), AuditEntry.approved_by.in_(ids)))
        if approved_only:
            stmt = stmt.where(AuditEntry.approved_by.is_not(None))
        entries = list(s.scalars(stmt.order_by(AuditEntry.at.desc(), AuditEntry.id).limit(MAX_ROWS + 1)))
        refs = {e.ref_id for e in entries[:MAX_ROWS] if e.ref_id}
        # A person reads receipt numbers, not ids: show the sale's or refund's number where the entry names one.
        numbers = dict(s.execute(select(Sale.id, Sale.number).where(Sale.id.in_(refs), Sale.number.is_not(None))).all())
        numbers.update(s.execute(select(Refund.id, Refund.number).where(Refund.id.in_(refs))).all())
        actions = sorted(s.scalars(select(AuditEntry.action).distinct()))
        skus = {str(d["sku"]) for d in (_json(e.detail) for e in entries[:MAX_ROWS]) if d.get("sku")}
        found = s.execute(select(Product.sku, Product.name, Product.measure).where(Product.sku.in_(skus))).all()
        products = {sku: name for sku, name, _ in found}
        weighed = frozenset(sku for sku, _, measure in found if measure == WEIGHT)
        stores = partners(s, ctx.store_id)
    said = {k: v for k, v in numbers.items() if v}
    look = Lookups(products, stores, said, lambda at: _local_text(ctx, at), ctx.currency, weighed)

    def who(sid: str | None) -> str:
        return f"{people[sid].name} ({people[sid].code})" if sid in people else (sid or "")

    rows = [
        {
            "at": to_local(ctx, e.at),
            "action": e.action,
            "till_id": e.till_id or "",
            "requested_by": who(e.requested_by),
            "approved_by": who(e.approved_by),
            # The receipt, refund, count or order number; an id with no number says nothing to a person.
            "ref_id": numbers.get(e.ref_id or "") or str(_json(e.detail).get("number") or ""),
            "detail": words(locale, e.action, e.detail, e.ref_id, look),
        }
        for e in entries[:MAX_ROWS]
    ]
    return {
        "rows": rows,
        "truncated": len(entries) > MAX_ROWS,
        "actions": actions,
        "start": per.start,
        "end": per.end,
        "staff": sorted(({"code": p.code, "name": p.name} for p in people.values()), key=lambda p: p["code"]),
    }


def _json(raw: str) -> dict[str, Any]:
    try:
        data = json.loads(raw or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _local_text(ctx: StoreContext, at: datetime) -> str:
    """A stored UTC time as the store's wall clock with its zone: 23/11/2026 14:05 WIB."""
    local = at.replace(tzinfo=UTC).astimezone(store_zone(ctx))
    return local.strftime("%d/%m/%Y %H:%M %Z")
