"""Sales reports for a date range in the store's local time: by day and hour, category, cashier, tender mix,
top products, discounts and refunds. Every table is (columns, rows) so each one exports to CSV the same way.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import case, distinct, func, select

from common.errors import DomainError
from pos.adapters.tables import AuditEntry, Category, Product, Refund, Sale, SaleLine, Staff, TenderRow

from . import qris_reconcile
from .context import StoreContext

MAX_DAYS = 366
# Items sold: a weighed line is one item whatever it weighs (its qty is grams).
_ITEMS = func.sum(case((SaleLine.measure == "weight", 1), else_=SaleLine.qty))
# Column key -> kind; the kind decides alignment and formatting on screen ("money" is Rupiah, minor units).
COLUMNS: dict[str, list[tuple[str, str]]] = {
    "by_day": [
        ("date", "date"),
        ("sales", "int"),
        ("items", "int"),
        ("gross", "money"),
        ("discounts", "money"),
        ("tax", "money"),
        ("total", "money"),
        ("refunds", "money"),
        ("net", "money"),
    ],
    "by_hour": [("hour", "hour"), ("sales", "int"), ("items", "int"), ("total", "money")],
    "by_category": [("name", "text"), ("qty", "int"), ("net", "money"), ("share", "pct")],  # the name, not the code
    "by_cashier": [
        ("staff_code", "text"),
        ("name", "text"),
        ("sales", "int"),
        ("items", "int"),
        ("total", "money"),
        ("average", "money"),
        ("discounts", "money"),
        ("refunds", "money"),
    ],
    "tenders": [("type", "tender"), ("sales", "int"), ("amount", "money"), ("share", "pct")],
    "top_products": [("rank", "int"), ("sku", "text"), ("name", "text"), ("qty", "int"), ("net", "money")],
    "discounts": [
        ("at", "datetime"),
        ("number", "text"),
        ("cashier", "text"),
        ("gross", "money"),
        ("discount", "money"),
        ("total", "money"),
        ("approved_by", "text"),
    ],
    "refunds": [
        ("at", "datetime"),
        ("number", "text"),
        ("sale_number", "text"),
        ("cashier", "text"),
        ("approved_by", "text"),
        ("tender", "tender"),
        ("amount", "money"),
        ("reason", "text"),
    ],
    "qris_reconcile": qris_reconcile.COLUMNS,
}


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    zone: ZoneInfo

    def utc_bounds(self) -> tuple[datetime, datetime]:
        lo = datetime.combine(self.start, time(), self.zone).astimezone(UTC).replace(tzinfo=None)
        hi = datetime.combine(self.end + timedelta(days=1), time(), self.zone).astimezone(UTC).replace(tzinfo=None)
        return lo, hi

    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]


def store_zone(ctx: StoreContext) -> ZoneInfo:
    try:
        return ZoneInfo(ctx.config.store.timezone)
    except (ZoneInfoNotFoundError, ValueError) as e:
        raise DomainError(
            "bad_timezone",
            f"config [store] timezone {ctx.config.store.timezone!r} is not a known "
            "time zone (use Asia/Jakarta, Asia/Makassar or Asia/Jayapura)",
        ) from e


def to_local(ctx: StoreContext, when: datetime) -> datetime:
    """A stored UTC time as the store's wall-clock time (naive, for display and grouping)."""
    return when.replace(tzinfo=UTC).astimezone(store_zone(ctx)).replace(tzinfo=None)


def today(ctx: StoreContext) -> date:
    return to_local(ctx, ctx.clock()).date()


def period(ctx: StoreContext, start: date | None, end: date | None) -> Period:
    """The range to report on; by default the last 7 days up to today (local)."""
    end = end or today(ctx)
    start = start or end - timedelta(days=6)
    if start > end:
        raise DomainError(
            "bad_range",
            f"the start date {start:%d/%m/%Y} is after the end date {end:%d/%m/%Y}",
            start=f"{start:%d/%m/%Y}",
            end=f"{end:%d/%m/%Y}",
        )
    if (end - start).days >= MAX_DAYS:
        raise DomainError("range_too_long", f"report at most {MAX_DAYS} days at a time", days=MAX_DAYS)
    return Period(start, end, store_zone(ctx))


def sales_report(
    ctx: StoreContext, start: date | None = None, end: date | None = None, top: int = 20, locale: str = "id"
) -> dict[str, Any]:
    """Every table of the sales report for the range, and the summary figures above them (category names in
    `locale`)."""
    per = period(ctx, start, end)
    lo, hi = per.utc_bounds()
    local = lambda t: t.replace(tzinfo=UTC).astimezone(per.zone).replace(tzinfo=None)  # noqa: E731
    done = (Sale.state == "completed", Sale.completed_at >= lo, Sale.completed_at < hi)
    in_range = select(Sale.id).where(*done)
    in_lines = SaleLine.sale_id.in_(in_range)
    # Totals per group are summed by the database; only per-sale rows come back, for local days and hours.
    with ctx.db.sessions() as s:
        staff = {x.id: x for x in s.scalars(select(Staff))}
        counted = (
            select(SaleLine.sale_id, _ITEMS.label("n_items")).where(in_lines).group_by(SaleLine.sale_id).subquery()
        )
        sales = s.execute(
            select(
                Sale.id,
                Sale.number,
                Sale.staff_id,
                Sale.completed_at,
                Sale.subtotal,
                Sale.discount_total,
                Sale.tax_total,
                Sale.total,
                Sale.change,
                func.coalesce(counted.c.n_items, 0).label("n_items"),
            )
            .outerjoin(counted, counted.c.sale_id == Sale.id)
            .where(*done)
            .order_by(Sale.completed_at)
        ).all()
        categories = s.execute(
            select(Product.category, _ITEMS, func.sum(SaleLine.net))
            .select_from(SaleLine)
            .outerjoin(Product, Product.sku == SaleLine.sku)
            .where(in_lines)
            .group_by(Product.category)
        ).all()
        net = func.sum(SaleLine.net)
        products = s.execute(
            select(SaleLine.sku, func.max(SaleLine.name), func.sum(SaleLine.qty), net, func.max(SaleLine.measure))
            .where(in_lines)
            .group_by(SaleLine.sku)
            .order_by(net.desc(), func.sum(SaleLine.qty).desc(), SaleLine.sku)
            .limit(max(1, top))
        ).all()
        tenders = s.execute(
            select(TenderRow.type, func.count(distinct(TenderRow.sale_id)), func.sum(TenderRow.amount))
            .where(TenderRow.sale_id.in_(in_range))
            .group_by(TenderRow.type)
        ).all()
        refunds = s.execute(
            select(Refund, Sale.number)
            .join(Sale, Sale.id == Refund.sale_id)
            .where(Refund.created_at >= lo, Refund.created_at < hi)
            .order_by(Refund.created_at)
        ).all()
        approvals = dict(
            s.execute(
                select(AuditEntry.ref_id, AuditEntry.approved_by).where(
                    AuditEntry.action == "discount",
                    AuditEntry.approved_by.is_not(None),
                    AuditEntry.ref_id.in_(select(Sale.id).where(*done, Sale.discount_total > 0)),
                )
            ).all()
        )
        cats = {c.code: (c.name_en if locale == "en" and c.name_en else c.name) for c in s.scalars(select(Category))}
        name = lambda sid: staff[sid].name if sid in staff else (sid or "")  # noqa: E731
        reconcile = qris_reconcile.rows(s, lo, hi, local, name)
    tables = {
        "by_day": _by_day(per, sales, refunds, local),
        "by_hour": _by_hour(sales, local),
        "by_category": _by_category(categories, cats),
        "by_cashier": _by_cashier(sales, refunds, staff),
        "tenders": _tenders(tenders, sum(x.change for x in sales)),
        "top_products": [
            {"rank": i + 1, "sku": sku, "name": nm, "qty": int(q), "net": int(n), "measure": m}  # weight: grams
            for i, (sku, nm, q, n, m) in enumerate(products)
        ],
        "discounts": [
            {
                "at": local(x.completed_at),
                "number": x.number,
                "cashier": name(x.staff_id),
                "gross": x.subtotal,
                "discount": x.discount_total,
                "total": x.total,
                "approved_by": name(approvals[x.id]) if approvals.get(x.id) else "",
            }
            for x in sales
            if x.discount_total
        ],
        "refunds": [
            {
                "at": local(r.created_at),
                "number": r.number,
                "sale_number": number,
                "cashier": name(r.staff_id),
                "approved_by": name(r.approved_by),
                "tender": r.tender_type,
                "amount": r.amount,
                "reason": r.reason or "",
            }
            for r, number in refunds
        ],
        "qris_reconcile": reconcile,
    }
    total, refunded = sum(x.total for x in sales), sum(r.amount for r, _ in refunds)
    summary = {
        "sales": len(sales),
        "items": int(sum(x.n_items for x in sales)),
        "gross": sum(x.subtotal for x in sales),
        "discounts": sum(x.discount_total for x in sales),
        "tax": sum(x.tax_total for x in sales),
        "total": total,
        "refunds": refunded,
        "net": total - refunded,
        "average": round(total / len(sales)) if sales else 0,
    }
    return {"start": per.start, "end": per.end, "summary": summary, "tables": tables}


def _by_day(per: Period, sales: Sequence[Any], refunds: Sequence[Any], local: Any) -> list[dict]:
    rows: dict[date, dict[str, Any]] = {
        d: {"date": d, "sales": 0, "items": 0, "gross": 0, "discounts": 0, "tax": 0, "total": 0, "refunds": 0, "net": 0}
        for d in per.days()
    }
    for x in sales:
        r = rows[local(x.completed_at).date()]
        r["sales"] += 1
        r["items"] += int(x.n_items)
        r["gross"] += x.subtotal
        r["discounts"] += x.discount_total
        r["tax"] += x.tax_total
        r["total"] += x.total
    for ref, _ in refunds:
        rows[local(ref.created_at).date()]["refunds"] += ref.amount
    for r in rows.values():
        r["net"] = r["total"] - r["refunds"]
    return list(rows.values())


def _by_hour(sales: Sequence[Any], local: Any) -> list[dict]:
    rows = [{"hour": h, "sales": 0, "items": 0, "total": 0} for h in range(24)]
    for x in sales:
        r = rows[local(x.completed_at).hour]
        r["sales"] += 1
        r["items"] += int(x.n_items)
        r["total"] += x.total
    return rows


def _share(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def _by_category(groups: Sequence[Any], cats: dict[str, str]) -> list[dict]:
    whole = sum(int(n or 0) for _, _, n in groups)
    rows = [
        {
            "category": c or "",
            "name": cats.get(c or "", c or "-"),
            "qty": int(q or 0),
            "net": int(n or 0),
            "share": _share(int(n or 0), whole),
        }
        for c, q, n in groups
    ]
    return sorted(rows, key=lambda r: (-r["net"], r["category"]))


def _by_cashier(sales: Sequence[Any], refunds: Sequence[Any], staff: dict[str, Staff]) -> list[dict]:
    acc: dict[str, dict[str, int]] = defaultdict(
        lambda: {"sales": 0, "items": 0, "total": 0, "discounts": 0, "refunds": 0}
    )
    for x in sales:
        a = acc[x.staff_id]
        a["sales"] += 1
        a["items"] += int(x.n_items)
        a["total"] += x.total
        a["discounts"] += x.discount_total
    for r, _ in refunds:
        acc[r.staff_id]["refunds"] += r.amount
    rows = [
        {
            "staff_code": staff[sid].code if sid in staff else "",
            "name": staff[sid].name if sid in staff else sid,
            "sales": a["sales"],
            "items": a["items"],
            "total": a["total"],
            "average": round(a["total"] / a["sales"]) if a["sales"] else 0,
            "discounts": a["discounts"],
            "refunds": a["refunds"],
        }
        for sid, a in acc.items()
    ]
    return sorted(rows, key=lambda r: (-r["total"], r["name"]))


def _tenders(groups: Sequence[Any], change: int) -> list[dict]:
    """What each tender brought in; change given comes out of cash."""
    amount = {t: int(a or 0) - (change if t == "cash" else 0) for t, _, a in groups}
    whole = sum(amount.values())
    rows = [{"type": t, "sales": int(n), "amount": amount[t], "share": _share(amount[t], whole)} for t, n, _ in groups]
    return sorted(rows, key=lambda r: (-r["amount"], r["type"]))


def csv_text(columns: list[tuple[str, str]], rows: list[dict[str, Any]]) -> str:
    """A table as CSV: a header of column keys, money as whole minor units, times as ISO 8601."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([key for key, _ in columns])
    for r in rows:
        w.writerow([_csv_cell(r.get(key)) for key, _ in columns])
    return buf.getvalue()


def _csv_cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return ";".join(f"{k}={v}" for k, v in value.items())
    return "" if value is None else value
