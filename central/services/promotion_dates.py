"""A sale cannot be justified by a promotion head office created after it: a promoted line (promotion_checks) holds
only by terms central had when the sale was made. A promotion reaches a store only with its next pull after central
saved it, so an honest till never applies terms before central had them; only its clock can make it seem so.

Each set of terms a promotion ever had (`promotion_terms`) carries when central first saved it (`recorded_at`,
central's clock; the same terms saved again keep their first time; the promotion's creation is its first terms'
time). A sale made at `completed_at` (the store's clock, UTC) is read with the terms saved no later than
`completed_at` + the tolerance: TOLERANCE, plus how far behind central the store's clock last ran
(`stores.clock_skew_seconds`, measured at its pulls and pushes), so a till known to run slow is not blamed for it.
A sale whose `completed_at` is missing or unreadable is read at the time central applies it (as the points rule
is, loyalty_checks): it cannot be shown to come before anything central has now.

A line that holds by all the promotion's terms (promotion_checks) but not by those central had then raises the
promotion task (same kind, same id: once per sale line, however often the sale is applied): `not_yet` when central
had no terms of the promotion yet (it was created after the sale), `terms_not_yet` when it had, but they gave less
(`most`, what they gave; `since`, when the terms were next changed). Mixed multi-buys are judged together as in
promotion_checks. A promotion's start and end dates are still not checked (a store offline for days rightly goes on
with a promotion central has since ended); nor is a store that lies about `completed_at` itself caught here."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from central.tables import Promotion, PromotionTerms, Store
from common.contract.sale_events import SaleCompleted
from common.measure import format_qty
from common.money import format_money

from . import price_checks, promotion_checks
from .context import CentralContext
from .promotion_checks import Line, Terms, read_terms

if TYPE_CHECKING:
    from .envelope import Event

# How far a sale's time may precede the promotion's at central: 15 minutes. Central's admin page and /metrics flag a
# store whose clock is off by more than 2 minutes (sync.clock_skew_warn_seconds), so an honest till is well within
# it even before anyone fixed its clock, while a discount covered by a promotion made afterwards (an hour later,
# the next day) is not.
TOLERANCE = timedelta(minutes=15)
WHYS = ("not_yet", "terms_not_yet")

Dated = dict[str, list[tuple[Terms, datetime | None]]]  # each promotion's terms, each with when central first had it


def sale_time(p: SaleCompleted, now: datetime) -> datetime:
    """When the sale says it was completed, as naive UTC; `now` (central's) when it says nothing readable."""
    try:
        at = datetime.fromisoformat(p.completed_at) if p.completed_at else None
    except ValueError:
        at = None
    if at is None:
        return now
    return at.astimezone(UTC).replace(tzinfo=None) if at.tzinfo else at


def _dated_terms(s: Session, ids: set[str]) -> tuple[Dated, dict[str, str]]:
    """Every set of terms each promotion has had, each with its time (None: central never stamped the current terms,
    so they are not judged by date), and each promotion's name."""
    t = PromotionTerms
    found: Dated = {}
    keys: dict[str, set[str]] = {}
    for pid, key, kind, value, set_qty, skus, mixed, at in s.execute(
        select(t.promotion_id, t.terms_key, t.kind, t.value, t.set_qty, t.skus, t.mixed, t.recorded_at).where(
            t.promotion_id.in_(ids)
        )
    ):
        found.setdefault(pid, []).append((read_terms(kind, value, set_qty, skus, mixed), at))
        keys.setdefault(pid, set()).add(key)
    names: dict[str, str] = {}
    for p in s.scalars(select(Promotion).where(Promotion.id.in_(ids))):
        names[p.id] = p.name
        if promotion_checks.terms_key(p.kind, p.value, p.set_qty, p.skus, bool(p.mixed)) not in keys.get(p.id, set()):
            found.setdefault(p.id, []).append((read_terms(p.kind, p.value, p.set_qty, p.skus, p.mixed), None))
    return found, names


def findings(
    s: Session, ctx: CentralContext, sales: Iterable[tuple[Event, SaleCompleted]], found: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Each promoted line that holds by its promotion's terms (no task in `found` for it) but not by those central
    had when the sale was made, with the figures its task names."""
    lines = promotion_checks.promoted_lines(sales)
    if not lines:
        return []
    dated, names = _dated_terms(s, {str(l.promotion_id) for _, _, _, l in lines})
    prices = price_checks.highest_prices(s, {l.sku for _, p, _, _ in lines for l in p.lines})
    stores = {ev.store_id for ev, _, _, _ in lines}
    behind = {
        store: max(0.0, -(skew or 0.0))
        for store, skew in s.execute(select(Store.id, Store.clock_skew_seconds).where(Store.id.in_(stores)))
    }
    raised = {(f["store_id"], f["sale_id"], f["line_id"]) for f in found}
    by_sale: dict[int, list[Line]] = {}
    for line in lines:
        by_sale.setdefault(id(line[1]), []).append(line)
    now, out = ctx.clock(), []
    for mine in by_sale.values():
        ev, p = mine[0][0], mine[0][1]
        at = sale_time(p, now)
        bound = at + TOLERANCE + timedelta(seconds=behind.get(ev.store_id, 0.0))
        then = {pid: [t for t, since in held if since is None or since <= bound] for pid, held in dated.items()}
        for f in promotion_checks.judge(mine, {pid: held for pid, held in then.items() if held}, names, prices):
            if (f["store_id"], f["sale_id"], f["line_id"]) in raised:
                continue
            later = [since for _, since in dated.get(f["promotion_id"], []) if since is not None and since > bound]
            if not later:  # by all its terms as by those of then: promotion_checks judged it
                continue
            why = "terms_not_yet" if then.get(f["promotion_id"]) else "not_yet"
            out.append(f | {"why": why, "completed_at": at.isoformat(), "since": min(later).isoformat()})
    return out


def message(f: dict[str, Any]) -> str:
    """Central's own words (English) for the task, for logs and a screen without words for it."""
    where = f"sale {f['number']} line {f['line']} ({f['sku']}, {format_qty(f['qty'], f['measure'], '.')} x "
    where += f"{format_money(f['unit_price'])})"
    said = f"claims {format_money(f['claimed'])} off for promotion {f['promotion'] or f['promotion_id']} at "
    said += f"{_utc(f['completed_at'])}"
    if f["why"] == "not_yet":
        said += f", but central created that promotion only at {_utc(f['since'])}"
    else:
        said += f", when it gave at most {format_money(f['most'])} (changed at {_utc(f['since'])}, after the sale)"
    return f"{where} {said}. Check the sale with the store"


def _utc(iso: str) -> str:
    return f"{datetime.fromisoformat(iso):%Y-%m-%d %H:%M} UTC"
