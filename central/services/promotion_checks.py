"""The promotion discounts a store claims, checked against the promotions central offered (a token proves who sends,
not what is true): a sale line that names a promotion (sale.completed version 4) takes off no more than that
promotion's rule gives its quantity at its unit price, by the rule the till prices with (common.promotions). The
unit price is read as central knows it (price_checks.judged_price: never above the highest price central set for the
SKU), so a forged high "original" price gives a percent promotion no bigger discount.

A sale is a fact, money was taken: a line that fails is recorded with its sale as usual, and raises a
reconciliation task for head office ("discount beyond its promotion"), once per sale line. What fails:
- `over`: the discount is more than the most the promotion gives the line;
- `unknown`: central has no promotion of that id;
- `not_listed`: the promotion never listed the line's SKU;
- `old_version`: a line discount in a sale of an older version (lines that name no promotion) sent after its store
  had moved to version 4 (sale_versions): its promotion cannot be checked.

A promotion's dates are not checked: a store offline for days rightly goes on applying a promotion central has since
ended. Only its beginning at central is (promotion_dates): a sale cannot be justified by terms saved after it.
A promotion edited since is read in its most generous terms: every set of terms central ever saved for it
(`promotion_terms`, one row per distinct set, the current one included) is a reading a store may have priced with,
since the feed may have carried any of them to a store that then went offline; the line is within its promotion
when one of them lists its SKU and gives at least its discount. Terms saved while the promotion was ended count
too: telling those apart would read the order of saves, and a task raised on an honest store costs head office
more than it saves.

A mixed multi-buy ("Beli 2 Gratis 1, boleh campur": common/mixed_sets.py) gives a sale's lines together, so its
lines are judged together: the discounts of the lines naming it, summed, must not exceed what its rule gives the
pool of those lines and the sale's other undiscounted lines of its products (items counted in units; an item the
till counted in a set but gave nothing names no promotion), at their judged prices. Beyond it, each of its lines that
claims more than its own share raises the task (`over`, most: that share)."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple, TypeAlias

from sqlalchemy import select
from sqlalchemy.orm import Session

from central.tables import Promotion, PromotionTerms
from common.contract.sale_events import SaleCompleted, SaleLineV4
from common.errors import DomainError
from common.measure import format_qty, line_gross
from common.mixed_sets import shares
from common.money import format_money
from common.promotions import MULTI_BUY, Promo

from . import price_checks
from .sale_tasks import line_figures, measure_of
from .statements import insert_ignoring

if TYPE_CHECKING:
    from .envelope import Event

KIND = "promotion_discount"  # the reconciliation task's kind
TASKS = uuid.UUID("6f0d7c1e-3b1a-4c55-9a39-1f3e2d7b8a60")  # namespace of the tasks' ids: one per sale line


class Terms(NamedTuple):
    kind: str
    value: int
    set_qty: int | None
    skus: frozenset[str]
    mixed: bool = False


def terms_key(kind: str, value: int, set_qty: int | None, skus: str, mixed: bool = False) -> str:
    """One set of terms as the key it is kept under (`skus`: the promotion's JSON list as stored, sorted; a mixed
    multi-buy's key ends in "|mixed", so the keys of terms saved before mixing existed are unchanged)."""
    said = f"{kind}|{value}|{set_qty if set_qty is not None else ''}|{skus}" + ("|mixed" if mixed else "")
    return hashlib.sha256(said.encode()).hexdigest()


@cache
def _insert_terms(dialect: str) -> Any:
    return insert_ignoring(dialect, PromotionTerms.__table__, "promotion_id", "terms_key")


def record_terms(s: Session, p: Promotion, now: datetime) -> None:
    """Keep the promotion's terms as saved now (once: the same terms saved again add nothing)."""
    key = terms_key(p.kind, p.value, p.set_qty, p.skus, bool(p.mixed))
    row = {"promotion_id": p.id, "terms_key": key, "kind": p.kind, "value": p.value, "mixed": bool(p.mixed)}
    conn = s.connection()
    conn.execute(_insert_terms(conn.dialect.name), [{**row, "set_qty": p.set_qty, "skus": p.skus, "recorded_at": now}])


def most_off(terms: Terms, qty: int, unit_price: int, measure: str) -> int:
    """The most one set of terms takes off a line: the till's own rule (Promo.discount on the line's gross)."""
    if terms.value <= 0:  # the till skips a promotion worth nothing
        return 0
    promo = Promo("", "", terms.kind, terms.value, terms.skus, set_qty=terms.set_qty)
    try:
        d = promo.discount(qty, measure, unit_price)
        return d.amount_on(line_gross(unit_price, qty, measure)) if d else 0
    except DomainError:  # terms the till could not price with (never saved by central): they give nothing
        return 0


def _terms_of(s: Session, ids: set[str]) -> tuple[dict[str, list[Terms]], dict[str, str]]:
    """Every set of terms each promotion has had (its current row included), and each one's name."""
    found: dict[str, list[Terms]] = {}
    names: dict[str, str] = {}
    p = Promotion
    for pid, name, kind, value, set_qty, skus, mixed in s.execute(
        select(p.id, p.name, p.kind, p.value, p.set_qty, p.skus, p.mixed).where(p.id.in_(ids))
    ):
        names[pid] = name
        found.setdefault(pid, []).append(read_terms(kind, value, set_qty, skus, mixed))
    t = PromotionTerms
    for pid, kind, value, set_qty, skus, mixed in s.execute(
        select(t.promotion_id, t.kind, t.value, t.set_qty, t.skus, t.mixed).where(t.promotion_id.in_(ids))
    ):
        found.setdefault(pid, []).append(read_terms(kind, value, set_qty, skus, mixed))
    return found, names


def read_terms(kind: str, value: int, set_qty: int | None, skus: str | None, mixed: bool | None) -> Terms:
    return Terms(kind, int(value), set_qty, frozenset(json.loads(skus or "[]")), bool(mixed) and kind in MULTI_BUY)


Line: TypeAlias = "tuple[Event, SaleCompleted, int, SaleLineV4]"  # a promoted line, its event, sale and number


def promoted_lines(sales: Iterable[tuple[Event, SaleCompleted]]) -> list[Line]:
    """The lines of these sales that name a promotion."""
    return [
        (ev, p, n, l)
        for ev, p in sales
        for n, l in enumerate(p.lines, start=1)
        if isinstance(l, SaleLineV4) and l.promotion_id
    ]


def findings(s: Session, sales: Iterable[tuple[Event, SaleCompleted]]) -> list[dict[str, Any]]:
    """Each promoted line that does not hold, with the figures its task names (sale, line, claimed, most)."""
    lines = promoted_lines(sales)
    if not lines:
        return []
    terms, names = _terms_of(s, {str(l.promotion_id) for _, _, _, l in lines})
    return judge(lines, terms, names, price_checks.highest_prices(s, {l.sku for _, p, _, _ in lines for l in p.lines}))


def judge(
    lines: list[Line], terms: dict[str, list[Terms]], names: dict[str, str], prices: dict[str, int]
) -> list[dict[str, Any]]:
    """Each of these promoted lines that does not hold by `terms` (the sets of terms each promotion is read in)."""
    out = []
    together: dict[tuple[int, str], list[tuple[int, SaleLineV4]]] = {}  # a mixed promotion's lines of one sale
    for ev, p, n, l in lines:
        pid = str(l.promotion_id)
        held = terms.get(pid, [])
        listing = [t for t in held if l.sku in t.skus]
        price = price_checks.judged_price(l, prices)  # a forged high price gives no bigger discount
        most = max((most_off(t, l.qty, price, measure_of(l)) for t in listing), default=0)
        why = "unknown" if not held else "not_listed" if not listing else "over" if l.line_discount > most else None
        if why == "over" and any(t.mixed for t in held):
            together.setdefault((id(p), pid), []).append((n, l))
            continue
        if why is not None:
            out.append(_finding(why, ev, p, n, l, names, most))
    by_sale = {id(p): (ev, p) for ev, p, _, _ in lines}
    for (key, pid), named in together.items():
        ev, p = by_sale[key]
        out += [
            _finding("over", ev, p, n, l, names, most)
            for n, l, most in _beyond_mixed(p, pid, named, terms[pid], prices)
        ]
    return out


def _finding(
    why: str, ev: Event, p: SaleCompleted, n: int, l: SaleLineV4, names: dict[str, str], most: int
) -> dict[str, Any]:
    pid = str(l.promotion_id)
    return {"why": why, **line_figures(ev, p, n, l), "promotion_id": pid, "promotion": names.get(pid), "most": most}


def _beyond_mixed(
    p: SaleCompleted, pid: str, named: list[tuple[int, SaleLineV4]], held: list[Terms], prices: dict[str, int]
) -> list[tuple[int, SaleLineV4, int]]:
    """The lines of a sale naming mixed promotion `pid` (each beyond the single-line rule) when together they claim
    more than its most generous terms give them (module doc), each with its own share; [] when within."""
    mine = {n for n, _ in named}
    named = [(n, l) for n, l in enumerate(p.lines, start=1) if isinstance(l, SaleLineV4) and str(l.promotion_id) == pid]
    claimed = sum(l.line_discount for _, l in named)
    best: tuple[int, dict[int, int]] = (-1, {})
    for t in held:
        if t.mixed:
            pool = [
                (n, l)
                for n, l in enumerate(p.lines, start=1)
                if l.sku in t.skus
                and measure_of(l) == "unit"
                and (l.line_discount == 0 or (isinstance(l, SaleLineV4) and str(l.promotion_id) == pid))
            ]
            promo = Promo("", "", t.kind, t.value, t.skus, set_qty=t.set_qty, mixed=True)
            off, _ = shares(promo, [(price_checks.judged_price(l, prices), l.qty) for _, l in pool])
            share = {n: o for (n, _), o in zip(pool, off, strict=True)}
        else:
            share = {n: most_off(t, l.qty, price_checks.judged_price(l, prices), measure_of(l)) for n, l in named}
        if sum(share.values()) > best[0]:
            best = (sum(share.values()), share)
    if claimed <= best[0]:
        return []
    over = [(n, l, best[1].get(n, 0)) for n, l in named if l.line_discount > best[1].get(n, 0)]
    return [x for x in over if x[0] in mine] or [(n, l, best[1].get(n, 0)) for n, l in named if n in mine]


def unchecked_findings(sales: Iterable[tuple[Event, SaleCompleted]]) -> list[dict[str, Any]]:
    """Each discounted line of these older-version sales (sale_versions.note), with the figures its task names (no
    promotion, so no most: 0)."""
    return [
        {"why": "old_version", **line_figures(ev, p, n, l), "promotion_id": None, "promotion": None, "most": 0}
        | {"version": ev.schema_version, "store_seq": ev.store_seq}
        for ev, p in sales
        for n, l in enumerate(p.lines, start=1)
        if l.line_discount > 0
    ]


def message(f: dict[str, Any]) -> str:
    """Central's own words (English) for the task, for logs and a screen without words for the kind."""
    where = f"sale {f['number']} line {f['line']} ({f['sku']}, {format_qty(f['qty'], f['measure'], '.')} x "
    where += f"{format_money(f['unit_price'])})"
    promo = f"promotion {f['promotion'] or f['promotion_id']}"
    if f["why"] == "old_version":
        said = f"claims {format_money(f['claimed'])} off in a version {f['version']} sale, sent after the store had moved to "
        said += "version 4: its promotion cannot be checked"
    elif f["why"] == "unknown":
        said = f"claims {format_money(f['claimed'])} off for promotion {f['promotion_id']}, which central does not have"
    elif f["why"] == "not_listed":
        said = f"claims {format_money(f['claimed'])} off for {promo}, which does not include {f['sku']}"
    else:
        said = f"claims {format_money(f['claimed'])} off for {promo}, which gives at most {format_money(f['most'])}"
    return f"{where} {said}. Check the sale with the store"
