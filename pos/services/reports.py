"""Sales reports for a date range in the store's local time: by day and hour, category, cashier, tender mix,
top products, discounts and refunds. Every table is (columns, rows) so each one exports to CSV the same way
(common/csv_export.py). The store's local time and the range are in store_time.py; the tables by day, hour, category, cashier
and tender are built in report_tables.py; the lines and refunds netted per product and category in report_lines.py.
Every table with a Neto column adds up to the summary's Neto: sales completed in the range less refunds paid in it.
"""

from __future__ import annotations

from datetime import UTC, date
from typing import Any

from sqlalchemy import distinct, func, select

from pos.adapters.tables import ITEMS_IN_LINES, AuditEntry, Category, Sale, SaleLine, Staff, TenderRow

from . import qris_reconcile, report_lines
from .context import StoreContext
from .report_tables import by_cashier, by_category, by_day, by_hour, by_tender
from .store_time import period

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
        ("net_tax", "money"),
    ],
    "by_hour": [
        ("hour", "hour"),
        ("sales", "int"),
        ("items", "int"),
        ("total", "money"),
        ("refunds", "money"),
        ("net", "money"),
    ],
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
        ("net", "money"),
    ],
    "tenders": [
        ("type", "tender"),
        ("sales", "int"),
        ("taken", "money"),
        ("refunded", "money"),
        ("net", "money"),
        ("share", "pct"),
    ],
    # qty and net: sold less returned in the range (a weighed product's quantities in grams, shown in kg)
    "top_products": [
        ("rank", "rank"),
        ("sku", "text"),
        ("name", "text"),
        ("sold", "int"),
        ("returned", "int"),
        ("qty", "int"),
        ("net", "money"),
    ],
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
        ("reason", "refund_reason"),  # the till's code ("damaged"), or words typed through the API
    ],
    "qris_reconcile": qris_reconcile.COLUMNS,
}


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
            select(SaleLine.sale_id, ITEMS_IN_LINES.label("n_items"))
            .where(in_lines)
            .group_by(SaleLine.sale_id)
            .subquery()
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
        categories = report_lines.by_category(s, in_range, lo, hi)
        products = report_lines.top_products(s, in_range, lo, hi, top)
        tenders = s.execute(
            select(TenderRow.type, func.count(distinct(TenderRow.sale_id)), func.sum(TenderRow.amount))
            .where(TenderRow.sale_id.in_(in_range))
            .group_by(TenderRow.type)
        ).all()
        refunds = report_lines.refunds_paid(s, lo, hi)
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
    backs = [b for _, _, b in refunds]
    tables = {
        "by_day": by_day(per, sales, backs, local),
        "by_hour": by_hour(sales, backs, local),
        "by_category": by_category(categories, cats),
        "by_cashier": by_cashier(sales, backs, staff),
        "tenders": by_tender(tenders, sum(x.change for x in sales), backs),
        "top_products": [
            {
                "rank": i + 1,
                "sku": sku,
                "name": nm,
                "sold": int(q),
                "returned": int(back),
                "qty": int(q) - int(back),
                "net": int(n),
                "measure": m,  # weight: quantities in grams
            }
            for i, (sku, nm, q, back, n, m) in enumerate(products)
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
            for r, number, _ in refunds
        ],
        "qris_reconcile": reconcile,
    }
    total, refunded = sum(x.total for x in sales), sum(b.value for b in backs)
    tax = sum(x.tax_total for x in sales)
    summary = {
        "sales": len(sales),
        "items": int(sum(x.n_items for x in sales)),
        "gross": sum(x.subtotal for x in sales),
        "discounts": sum(x.discount_total for x in sales),
        "tax": tax,
        "total": total,
        "refunds": refunded,  # the goods given back, wherever the money went (points too)
        "net": total - refunded,
        "net_tax": tax - sum(b.tax for b in backs),  # PPN on the Neto: less the PPN inside the refunds
        "average": round(total / len(sales)) if sales else 0,
    }
    return {"start": per.start, "end": per.end, "summary": summary, "tables": tables}
