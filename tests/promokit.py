"""Sales with promoted lines (sale.completed version 4) as a store would push them, and the promotion-discount tasks
central raises about them."""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Callable
from typing import Any

from checkkit import Pusher, pusher
from racekit import at_once
from sqlalchemy import select
from synckit import STORE, signed_in_admin

from central.services.promotion_checks import KIND
from central.tables import ReconciliationItem
from common.pricing import taxes_by_group
from common.tables import utcnow

V4 = 4


def promoted_sale(
    store_id: str, n: int, lines: list[tuple[str, int, int, int, str | None]], till: str = "T1"
) -> dict[str, Any]:
    """A sale whose lines are (sku, qty, unit_price, line_discount, promotion_id), adding up as a till's would."""
    rows = [
        {
            "id": str(uuid.uuid4()),
            "sku": sku,
            "name": f"Produk {sku}",
            "qty": qty,
            "unit_price": price,
            "line_discount": off,
            "sale_discount": 0,
            "net": qty * price - off,
            "tax_group": "PPN",
            "measure": "unit",
            **({"promotion_id": promo} if promo else {}),
        }
        for sku, qty, price, off, promo in lines
    ]
    total = sum(l["net"] for l in rows)
    taxes = [
        {"group": t.group, "rate_bp": t.rate_bp, "gross": t.gross, "tax": t.tax}
        for t in taxes_by_group([("PPN", 1100, total)])
    ]
    return {
        "sale_id": str(uuid.uuid4()),
        "number": f"{store_id}-{till}-{n:06d}",
        "store_id": store_id,
        "till_id": till,
        "completed_at": utcnow().isoformat(timespec="seconds"),  # after the promotions it names (promotion_dates)
        "timezone": "Asia/Jakarta",
        "currency": "IDR",
        "lines": rows,
        "tenders": [{"id": str(uuid.uuid4()), "type": "cash", "amount": total}],
        "taxes": taxes,
        "subtotal": sum(l["qty"] * l["unit_price"] for l in rows),
        "discount": sum(l["line_discount"] for l in rows),
        "tax": taxes[0]["tax"],
        "rounding": 0,
        "total": total,
        "paid": total,
        "change": 0,
    }


def promotion_tasks(central: Any, kind: str = KIND) -> list[dict[str, Any]]:
    """The open promotion-discount tasks (or those of another `kind` about a sale's claims: price_checks,
    manual_discount_checks), each as its detail with its store and sale line, by central's words."""
    with central.ctx.db.sessions() as s:
        items = s.scalars(
            select(ReconciliationItem).where(ReconciliationItem.kind == kind).order_by(ReconciliationItem.message)
        )
        return [{**json.loads(i.detail or "{}"), "location": i.location, "message": i.message} for i in items]


def claim_tasks(central: Any, kind: str) -> list[dict[str, Any]]:
    """The open tasks of `kind` about a sale's claims, by store, receipt and line."""
    return sorted(promotion_tasks(central, kind), key=lambda t: (t["location"], t["number"], t["line"]))


def pushed_at_once(central: Any, sale_of: Callable[[str, int], dict[str, Any]], version: int = V4) -> list[Pusher]:
    """Six stores, each pushing its sales 1 and 2 (`sale_of(store_id, n)`) as one batch sent twice at once (a retry
    racing its first send), all stores together; every sale is applied once. The stores' pushers."""
    stores = [pusher(central, STORE)] + [pusher(central, f"TOKO-{n:02d}") for n in range(2, 7)]
    batches = [[p.event("sale.completed", sale_of(p.store_id, n), version=version) for n in (1, 2)] for p in stores]
    calls = [(lambda p=p, b=b: p.send(b)) for p, b in zip(stores, batches, strict=True)] * 2
    for answer in at_once(*calls):
        assert [r.get("first_outcome", r["outcome"]) for r in answer] == ["applied", "applied"], answer
    return stores


def tasks_in_csv(central: Any, kind: str) -> list[str]:
    """What head office's CSV of open tasks (in English) says of each task of that kind (its words), sorted."""
    sheet = signed_in_admin(central, "en").get("/admin/reconciliation.csv").get_data(as_text=True).lstrip("\ufeff")
    return sorted(r["What happened"] for r in csv.DictReader(io.StringIO(sheet)) if r["Kind"] == kind)
