"""Discounts a till may give: central's promotions on scanned lines, and the cashier's limit without a manager."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from common.db import Tx, read_time
from common.errors import Forbidden
from common.mixed_sets import Item, is_mixed, promote_lines
from common.pricing import PricedSale, manual_discount_bp
from common.promotions import Promo, best_promotion
from pos.adapters.sale_rows import LineRec, SaleRec
from pos.adapters.tables import Promotion, Sale, SaleLine

from .context import StoreContext

_P = Promotion.__table__
# Read on every scan: plain Core rows (no ORM objects), each row parsed once per distinct content below.
_ACTIVE = select(
    _P.c.id,
    _P.c.name,
    _P.c.kind,
    _P.c.value,
    _P.c.skus,
    _P.c.starts_at,
    _P.c.ends_at,
    _P.c.active,
    _P.c.set_qty,
    _P.c.mixed,
).where(_P.c.active.is_(True))


@lru_cache(maxsize=1024)
def _promo(
    id_: str,
    name: str,
    kind: str,
    value: int,
    skus: str | None,
    starts: datetime | None,
    ends: datetime | None,
    on: bool,
    set_qty: int | None = None,
    mixed: bool = False,
) -> Promo:
    """A row as a Promo; cached on the row's whole content, so a promotion central changes is read afresh."""
    return Promo(id_, name, kind, value, frozenset(json.loads(skus or "[]")), starts, ends, on, set_qty, bool(mixed))


def store_promos(s: Session) -> list[Promo]:
    """The promotions central sent (sync agent); the same rule the online shop prices carts with."""
    return [_promo(*row) for row in s.execute(_ACTIVE)]


@lru_cache(maxsize=1024)
def _promo_row(
    id_: str,
    name: str,
    kind: str,
    value: int,
    skus: str | None,
    starts: str | None,
    ends: str | None,
    on: int,
    set_qty: int | None,
    mixed: int | None = None,
) -> Promo:
    """A row as the driver gives it (times as stored text) as a Promo; cached on the row's whole content."""
    starts_at, ends_at = read_time(starts) if starts else None, read_time(ends) if ends else None
    return _promo(id_, name, kind, value, skus, starts_at, ends_at, bool(on), set_qty, bool(mixed))


def promos_in(tx: Tx) -> list[Promo]:
    """store_promos inside a `Database.transaction()` (the scan's hot path)."""
    return [_promo_row(*row) for row in tx.run(_ACTIVE)]


def promote(line: SaleLine | LineRec, promos: list[Promo], now: datetime) -> None:
    """Give a line the best promotion for its quantity now; a cashier's own line discount is left alone."""
    if line.discount_kind and not line.promotion_id:
        return
    best = best_promotion(promos, line.sku, line.unit_price, line.qty, now, line.measure)
    if best is None:
        line.discount_kind = line.discount_value = line.promotion_id = None
    else:
        line.discount_kind, line.discount_value, line.promotion_id = best[1].kind, best[1].value, best[0].id


def promote_sale(lines: Sequence[SaleLine | LineRec], promos: list[Promo], now: datetime) -> None:
    """After any change of a sale's lines: a mixed multi-buy's sets counted again over every line of its products
    (common/mixed_sets.py), its discount given again to each of them (the lines keep their discounts consistent on
    every change). Each line `promote` gave a promotion keeps it unless a mixed one is now better for the sale. A
    line with the cashier's own discount joins no set. Without a mixed promotion, nothing changes."""
    mixed = [p for p in promos if is_mixed(p)]
    if not mixed:
        return
    ids = {p.id for p in mixed}
    touched = [l for l in lines if l.promotion_id in ids or any(p.applies(l.sku, now) for p in mixed)]
    own = {l.id for l in touched if l.discount_kind and not l.promotion_id}
    items = [Item(l.id, l.sku, l.unit_price, l.qty, l.measure, l.id in own) for l in touched]
    given = promote_lines(promos, items, now)
    for line in touched:
        if line.id in own:
            continue
        if line.id in given:
            promo, d = given[line.id]
            line.discount_kind, line.discount_value, line.promotion_id = d.kind, d.value, promo.id
        else:
            line.discount_kind = line.discount_value = line.promotion_id = None


def over_limit(
    ctx: StoreContext, sale: Sale | SaleRec, lines: Sequence[SaleLine | LineRec], priced: PricedSale
) -> int | None:
    """The cashier's discounts' share of the sale (basis points) when it is over the limit and no manager
    approved this sale's discounts; None when within."""
    if sale.discount_approved_by:
        return None
    share = manual_discount_bp(priced, {l.id for l in lines if l.promotion_id})
    return share if share > ctx.config.security.discount_limit_percent * 100 else None


def check_limit(
    ctx: StoreContext, sale: Sale | SaleRec, lines: Sequence[SaleLine | LineRec], priced: PricedSale
) -> None:
    """Without a manager's approval on this sale, the cashier's discounts together stay within the limit
    (stacked discounts, or a fixed amount left on a smaller sale, cannot get round it)."""
    limit_bp = ctx.config.security.discount_limit_percent * 100
    share = over_limit(ctx, sale, lines, priced)
    if share is not None:
        raise Forbidden(
            "approval_required",
            f"the discounts on this sale would come to {share / 100:.1f}%, over {limit_bp // 100}%: "
            "ask a manager to approve, or remove a discount first",
            discount_percent=share / 100,
        )
