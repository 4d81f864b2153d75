"""The tables of the sales report by day, hour, category, cashier and tender, each built from the rows the database
summed for the range (reports.sales_report runs the queries). Each one takes the range's refunds off as the
summary's Neto does (on the day and hour they were paid out, from the cashier who gave them, back to the tender
they went to), so its Neto column adds up to the summary's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

from pos.adapters.tables import Staff

from .report_lines import Back
from .store_time import Period


def by_day(per: Period, sales: Sequence[Any], backs: Sequence[Back], local: Any) -> list[dict]:
    zero = {"sales": 0, "items": 0, "gross": 0, "discounts": 0, "tax": 0, "total": 0, "refunds": 0, "net": 0}
    rows: dict[date, dict[str, Any]] = {d: {"date": d, **zero, "refund_tax": 0, "net_tax": 0} for d in per.days()}
    for x in sales:
        r = rows[local(x.completed_at).date()]
        r["sales"] += 1
        r["items"] += int(x.n_items)
        r["gross"] += x.subtotal
        r["discounts"] += x.discount_total
        r["tax"] += x.tax_total
        r["total"] += x.total
    for b in backs:
        r = rows[local(b.at).date()]
        r["refunds"] += b.value
        r["refund_tax"] += b.tax
    for r in rows.values():
        r["net"] = r["total"] - r["refunds"]
        r["net_tax"] = r["tax"] - r.pop("refund_tax")
    return list(rows.values())


def by_hour(sales: Sequence[Any], backs: Sequence[Back], local: Any) -> list[dict]:
    rows = [{"hour": h, "sales": 0, "items": 0, "total": 0, "refunds": 0, "net": 0} for h in range(24)]
    for x in sales:
        r = rows[local(x.completed_at).hour]
        r["sales"] += 1
        r["items"] += int(x.n_items)
        r["total"] += x.total
    for b in backs:
        rows[local(b.at).hour]["refunds"] += b.value
    for r in rows:
        r["net"] = r["total"] - r["refunds"]
    return rows


def _share(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def by_category(groups: Sequence[Any], cats: dict[str, str]) -> list[dict]:
    """Items and Rupiah per category, net of what came back."""
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


def by_cashier(sales: Sequence[Any], backs: Sequence[Back], staff: dict[str, Staff]) -> list[dict]:
    acc: dict[str, dict[str, int]] = defaultdict(
        lambda: {"sales": 0, "items": 0, "total": 0, "discounts": 0, "refunds": 0}
    )
    for x in sales:
        a = acc[x.staff_id]
        a["sales"] += 1
        a["items"] += int(x.n_items)
        a["total"] += x.total
        a["discounts"] += x.discount_total
    for b in backs:
        acc[b.staff_id]["refunds"] += b.value
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
            "net": a["total"] - a["refunds"],
        }
        for sid, a in acc.items()
    ]
    return sorted(rows, key=lambda r: (-r["total"], r["name"]))


def by_tender(groups: Sequence[Any], change: int, backs: Sequence[Back]) -> list[dict]:
    """What each tender took (change given comes out of cash), what went back to it, and the difference: a card's
    net is what the card machine's batch says. Goods paid with points and given back return as points."""
    sales = {t: int(n) for t, n, _ in groups}
    taken = {t: int(a or 0) - (change if t == "cash" else 0) for t, _, a in groups}
    refunded: dict[str, int] = defaultdict(int)
    for b in backs:
        refunded[b.tender] += b.amount
        if b.as_points:
            refunded["points"] += b.as_points
    kinds = set(taken) | {t for t, a in refunded.items() if a}
    net = {t: taken.get(t, 0) - refunded.get(t, 0) for t in kinds}
    whole = sum(net.values())
    rows = [
        {
            "type": t,
            "sales": sales.get(t, 0),
            "taken": taken.get(t, 0),
            "refunded": refunded.get(t, 0),
            "net": net[t],
            "share": _share(net[t], whole),
        }
        for t in kinds
    ]
    return sorted(rows, key=lambda r: (-r["net"], r["type"]))
