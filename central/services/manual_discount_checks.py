"""The cashier's own discounts a store claims, checked against the chain's limit (a token proves who sends, not what
is true). At the till, a cashier's own discounts (a line discount that names no promotion, and the whole-sale
discount) together take off at most the store's limit (`[security] discount_limit_percent`) of what they apply to,
unless a manager approves; the till holds that on every change of the sale (pos.services.discount_rules, by
common.pricing.manual_discount_bp). Central reads the same share off the sale with the same function.

Central has no staff list and does not know each store's limit: it holds the chain's (`[discounts]
cashier_limit_percent` in central.toml), and a version 5 sale names the manager who approved its discounts
(`discount_approved_by`). A single discount is not checked on its own: the till asks a manager for one beyond the
limit when it is given, but a later change of quantity may honestly raise its share; what an honest till always
holds at completion is the sale's discounts together.

A sale is a fact, money was taken: a sale beyond the chain's limit is recorded as usual, and raises a reconciliation
task for head office ("cashier's discount beyond the limit") for each of its cashier's discounts: each line with
one, and the whole-sale discount (line 0), once each (sale_tasks). When:
- `over_limit`: a version 5 sale that names no approving manager;
- `old_version`: a sale of an older version (which cannot name one) sent after its store's first version 5 sale (a
  higher store_seq, as sale_versions does for version 4): its approval cannot be checked. A store not yet on
  version 5 is not flagged: a manager may have approved, and its events cannot say so."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from common.contract.sale_events import SaleCompleted, SaleCompletedV5
from common.measure import line_gross
from common.money import format_money
from common.pricing import PricedLine, PricedSale, manual_discount_bp
from common.promotions import shown_value

from . import sale_versions
from .context import CentralContext
from .sale_tasks import line_figures, measure_of

if TYPE_CHECKING:
    from .envelope import Event

KIND = "manual_discount"  # the reconciliation task's kind
TASKS = uuid.UUID("3c1f5a2e-8d47-4b19-b6e0-7a2d9c4e1f53")  # namespace of the tasks' ids: one per discount
NAMES_APPROVER = sale_versions.NAMES_APPROVER  # the first sale.completed version that names the approving manager


def _promoted(p: SaleCompleted) -> set[str]:
    return {l.id for l in p.lines if getattr(l, "promotion_id", None)}  # version 4 lines on; before: none is


def cashier_share(p: SaleCompleted) -> tuple[int, int, int]:
    """The cashier's discounts on the sale (Rupiah), what they applied to, and their share in basis points, by the
    till's own rule (common.pricing.manual_discount_bp)."""
    lines = [
        PricedLine(
            line_id=l.id,
            sku=l.sku,
            name=l.name,
            unit_price=l.unit_price,
            qty=l.qty,
            gross=line_gross(l.unit_price, l.qty, measure_of(l)),
            line_discount=l.line_discount,
            sale_discount=l.sale_discount,
            net=l.net,
            tax_group=l.tax_group,
            tax_rate_bp=0,  # no part of the share
            measure=measure_of(l),
        )
        for l in p.lines
    ]
    promoted = _promoted(p)
    promo = sum(l.line_discount for l in lines if l.line_id in promoted)
    subtotal = sum(l.gross for l in lines)
    line_off, sale_off = sum(l.line_discount for l in lines), sum(l.sale_discount for l in lines)
    priced = PricedSale(lines, subtotal, line_off, sale_off, sum(l.net for l in lines), [])
    return line_off + sale_off - promo, subtotal - promo, manual_discount_bp(priced, promoted)


def _first_v5(s: Session, sales: list[tuple[Event, SaleCompleted]], stores: set[str]) -> dict[str, int]:
    """Each of these stores' first version 5 sale (its store_seq): among these sales, or as the store's row keeps it
    (`stores.first_v5_sale_seq`, moved by sale_versions.note before these sales' checks, under the store's row
    lock: docs/locking.md), so no scan of the store's applied events per older sale."""
    firsts: dict[str, int] = {}
    for ev, _ in sales:
        if ev.store_id in stores and ev.schema_version >= NAMES_APPROVER:
            firsts[ev.store_id] = min(firsts.get(ev.store_id, ev.store_seq), ev.store_seq)
    for store_id in sorted(stores):
        seq = sale_versions.first_v5(s.connection(), store_id)
        if seq is not None:
            firsts[store_id] = min(firsts.get(store_id, seq), seq)
    return firsts


def findings(s: Session, ctx: CentralContext, sales: Iterable[tuple[Event, SaleCompleted]]) -> list[dict[str, Any]]:
    """Each cashier's discount of a sale beyond the chain's limit that no manager approved (or whose approval an
    older version cannot say), with the figures its task names."""
    limit_bp = ctx.config.discounts.cashier_limit_percent * 100
    over = [(ev, p, cashier_share(p)) for ev, p in sales]
    over = [(ev, p, share) for ev, p, share in over if share[2] > limit_bp]
    unnamed = [(ev, p, share) for ev, p, share in over if not isinstance(p, SaleCompletedV5)]
    firsts = _first_v5(s, [(ev, p) for ev, p, _ in over], {ev.store_id for ev, _, _ in unnamed}) if unnamed else {}
    out = []
    for ev, p, (manual, base, share_bp) in over:
        if isinstance(p, SaleCompletedV5):
            if p.discount_approved_by:
                continue
            why = "over_limit"
        elif ev.store_id in firsts and ev.store_seq > firsts[ev.store_id]:
            why = "old_version"
        else:
            continue
        sale = {"why": why, "manual": manual, "base": base, "share_bp": share_bp, "limit_bp": limit_bp}
        sale |= {"version": ev.schema_version}
        promoted = _promoted(p)
        out += [
            {**line_figures(ev, p, n, l), **sale}
            for n, l in enumerate(p.lines, start=1)
            if l.line_discount > 0 and l.id not in promoted
        ]
        if off := sum(l.sale_discount for l in p.lines):  # the whole-sale discount: line 0
            whole = {"store_id": ev.store_id, "sale_id": p.sale_id, "number": p.number, "line": 0, "line_id": "sale"}
            out.append(whole | {"sku": None, "name": "", "claimed": off, **sale})
    return out


def message(f: dict[str, Any]) -> str:
    """Central's own words (English) for the task, for logs and a screen without words for the kind."""
    what = "the whole-sale discount" if not f["line"] else f"line {f['line']} ({f['sku']}) has a cashier's discount"
    where = f"sale {f['number']}: {what} of {format_money(f['claimed'])}; its cashier's discounts come to "
    where += f"{format_money(f['manual'])}, {shown_value('percent', f['share_bp'])} of {format_money(f['base'])}, "
    where += f"over the chain's limit of {shown_value('percent', f['limit_bp'])}"
    if f["why"] == "old_version":
        said = f", in a version {f['version']} sale sent after the store had moved to version 5: its approval cannot be checked"
    else:
        said = ", and no manager approved them"
    return f"{where}{said}. Check the sale with the store"
