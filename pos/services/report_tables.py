"""The tables of the sales report by day, hour, category, cashier and tender, each built from the rows the database
summed for the range (reports.sales_report runs the queries).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

from pos.adapters.tables import Staff

from .store_time import Period


def by_day(per: Period, sales: Sequence[Any], refunds: Sequence[Any], local: Any) -> list[dict]:
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


def by_hour(sales: Sequence[Any], local: Any) -> list[dict]:
    rows = [{"hour": h, "sales": 0, "items": 0, "total": 0} for h in range(24)]
    for x in sales:
        r = rows[local(x.completed_at).hour]
        r["sales"] += 1
        r["items"] += int(x.n_items)
        r["total"] += x.total
    return rows


def _share(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def by_category(groups: Sequence[Any], cats: dict[str, str]) -> list[dict]:
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


def by_cashier(sales: Sequence[Any], refunds: Sequence[Any], staff: dict[str, Staff]) -> list[dict]:
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


def by_tender(groups: Sequence[Any], change: int) -> list[dict]:
    """What each tender brought in; change given comes out of cash."""
    amount = {t: int(a or 0) - (change if t == "cash" else 0) for t, _, a in groups}
    whole = sum(amount.values())
    rows = [{"type": t, "sales": int(n), "amount": amount[t], "share": _share(amount[t], whole)} for t, n, _ in groups]
    return sorted(rows, key=lambda r: (-r["amount"], r["type"]))
