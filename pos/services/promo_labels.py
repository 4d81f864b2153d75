"""Promotions on shelf labels: a promotion central sends starts and ends by the clock, and the shelf must follow
the till both ways (in Indonesia the shelf price must be the till's). "Label harga" lists the promotions running
now, starting within the next WINDOW_DAYS and ended within the last WINDOW_DAYS (the store's local days), and prints
a promotion's labels: at its price from its start (prepared the day before), or at the usual price once it ended."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from math import ceil
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from common.errors import NotFound
from common.promotions import MULTI_BUY, Promo, shown_value
from pos.adapters.tables import Product

from . import shelf_labels
from .context import StoreContext
from .discount_rules import store_promos
from .shelf_labels import shown_end, shown_start
from .store_time import to_local, today

WINDOW_DAYS = 7
UPCOMING, RUNNING, ENDED = "upcoming", "running", "ended"
_ORDER = {RUNNING: 0, UPCOMING: 1, ENDED: 2}


def _on_sale(s: Session, skus: Iterable[str]) -> dict[str, str]:
    """SKU -> name of those of these products the store sells (in its catalog and on sale)."""
    wanted = sorted(set(skus))
    if not wanted:
        return {}
    rows = s.execute(select(Product.sku, Product.name).where(Product.sku.in_(wanted), Product.active.is_(True)))
    return {sku: name for sku, name in rows}


def _status(p: Promo, now: datetime) -> str:
    if p.starts_at is not None and now < p.starts_at:
        return UPCOMING
    if p.ends_at is not None and p.ends_at <= now:
        return ENDED
    return RUNNING


def _day(shown: date | datetime) -> date:
    return shown.date() if isinstance(shown, datetime) else shown


def _row(ctx: StoreContext, p: Promo, now: datetime, day: date) -> dict[str, Any]:
    """One promotion as the screen lists it: its percent or Rupiah off, or a multi-buy's terms; `days` counts local
    days to its start (upcoming) or since its last day (ended), so "starts tomorrow" means the store's
    tomorrow, not UTC's."""
    starts = shown_start(to_local(ctx, p.starts_at)) if p.starts_at else None
    until = shown_end(to_local(ctx, p.ends_at)) if p.ends_at else None
    status = _status(p, now)
    days = 0
    if status == UPCOMING and starts is not None:
        days = (_day(starts) - day).days
    elif status == ENDED and until is not None:
        days = (day - _day(until)).days
    return {
        "id": p.id,
        "name": p.name,
        "off": "" if p.kind in MULTI_BUY else shown_value(p.kind, p.value),  # a multi-buy has no one amount off
        "kind": p.kind,  # with value and set_qty: a multi-buy's deal, worded in the page's language by the view
        "value": p.value,
        "set_qty": p.set_qty,
        "mixed": p.mixed,  # its products may be mixed in a set: "(campur)"
        "starts": starts,
        "until": until,
        "status": status,
        "days": days,
    }


def _counted(row: dict[str, Any], products: int) -> dict[str, Any]:
    """The row with its products on sale here and the sheets of labels they fill."""
    return {**row, "products": products, "sheets": ceil(products / shelf_labels.MAX_LABELS)}


def promotions(ctx: StoreContext) -> list[dict[str, Any]]:
    """The promotions whose shelf labels go up or come down about now: running, starting within WINDOW_DAYS, ended
    within the last WINDOW_DAYS; each with how many of its products are on sale here (none here: not listed)."""
    now, day = ctx.clock(), today(ctx)
    with ctx.db.sessions() as s:
        listed = [(_row(ctx, p, now, day), p) for p in store_promos(s)]
        near = [(r, p) for r, p in listed if r["status"] == RUNNING or r["days"] <= WINDOW_DAYS]
        on_sale = _on_sale(s, (sku for _, p in near for sku in p.skus))
    counted = [_counted(r, len(p.skus & on_sale.keys())) for r, p in near]
    # Running first, then the soonest to start, then those ended, the latest first.
    return sorted((r for r in counted if r["products"]), key=lambda r: (_ORDER[r["status"]], r["days"], r["name"]))


def sheet(ctx: StoreContext, promo_id: str, part: int = 1) -> dict[str, Any]:
    """The labels of one promotion's products on sale here, by name, a sheet of at most MAX_LABELS (`part` 1, 2..):
    at its price from its start when it has not started, at the till's price now when running or ended (the usual
    price, unless another promotion still runs). Refused: a promotion not sent to this store or with nothing here."""
    with ctx.db.sessions() as s:
        promo = next((p for p in store_promos(s) if p.id == promo_id), None)
        names = _on_sale(s, promo.skus) if promo else {}
    if promo is None or not names:
        raise NotFound(
            "unknown_promotion", f"no promotion {promo_id[:40]!r} on sale in this store", promotion=promo_id[:40]
        )
    listed = _counted(_row(ctx, promo, ctx.clock(), today(ctx)), len(names))
    if not 1 <= part <= listed["sheets"]:
        raise NotFound(
            "unknown_label_sheet", f"{promo.name} has {listed['sheets']} sheets of labels", sheets=listed["sheets"]
        )
    size = shelf_labels.MAX_LABELS
    skus = sorted(names, key=lambda sku: (names[sku], sku))[(part - 1) * size : part * size]
    at = promo.starts_at if listed["status"] == UPCOMING else None
    return {
        "promotion": listed,
        "part": part,
        "labels": shelf_labels.labels(ctx, skus, at=at),
        "prices_from": shown_start(to_local(ctx, at)) if at else None,
    }
