"""A store that has moved to sale.completed version 4 (each line names its promotion, checked by promotion_checks)
cannot skip the check by sending its sales in an older version: central still takes versions 1 to 3 (stores update
at different times), so it remembers each store's first accepted version 4 sale (`stores.first_v4_sale_seq`), and a
sale of an older version sent after it (a higher store_seq) with a line discount is one whose promotion cannot be
checked: recorded as always, with a task for head office (promotion_checks, `old_version`).

The store_seq, not the order of arrival, tells an honest upgrade apart: the older-version sales a store made before
its upgrade, still in its outbox, come with lower store_seqs than its first version 4 sale, even in the same batch,
and are not flagged; nor is any sale of a store that has never sent version 4 (it has not been updated yet), nor an
older-version sale without a line discount (nothing a promotion could explain).

Concurrency: every push of a store holds the store's row lock from its first statement (docs/locking.md, first in
the order), and a retried dead letter takes it here, before any stock row, by reading the column FOR UPDATE; so two
workers applying batches of one store read and move the store's first version 4 sale one after the other."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Update, bindparam, or_, select, update

from central.tables import Store
from common.contract.sale_events import SaleCompleted

if TYPE_CHECKING:
    from .envelope import Event

NAMES_PROMOTIONS = 4  # the first sale.completed version whose lines name their promotion


def _discounted(p: SaleCompleted) -> bool:
    return any(l.line_discount > 0 for l in p.lines)


@cache
def _first_held() -> Any:
    t = Store.__table__
    return select(t.c.first_v4_sale_seq).where(t.c.id == bindparam("b_store")).with_for_update()


@cache
def _move_first() -> Update:
    """The store's first version 4 sale, moved to an earlier one only: matches no row otherwise."""
    t = Store.__table__
    earlier = or_(t.c.first_v4_sale_seq.is_(None), t.c.first_v4_sale_seq > bindparam("b_seq"))
    return update(t).where(t.c.id == bindparam("b_store"), earlier).values(first_v4_sale_seq=bindparam("b_seq"))


def note(conn: Connection, sales: list[tuple[Event, SaleCompleted]]) -> list[tuple[Event, SaleCompleted]]:
    """Remember each store's first version 4 sale among these (just checked, about to be recorded); the sales of an
    older version with a line discount that come after its store's first version 4 sale (their promotions cannot
    be checked). Run before any stock row is locked."""
    firsts: dict[str, int] = {}
    for ev, _ in sales:
        if ev.schema_version >= NAMES_PROMOTIONS:
            firsts[ev.store_id] = min(firsts.get(ev.store_id, ev.store_seq), ev.store_seq)
    older = [(ev, p) for ev, p in sales if ev.schema_version < NAMES_PROMOTIONS and _discounted(p)]
    held = {
        store_id: conn.execute(_first_held(), {"b_store": store_id}).scalar()
        for store_id in sorted({e.store_id for e, _ in older})  # in one order, were there several
    }
    for store_id, seq in held.items():
        if seq is not None:
            firsts[store_id] = min(firsts.get(store_id, seq), seq)
    for store_id, seq in sorted(firsts.items()):
        if held.get(store_id, -1) != seq:  # this batch's own version 4 sale comes first
            conn.execute(_move_first(), {"b_store": store_id, "b_seq": seq})
    return [(ev, p) for ev, p in older if ev.store_id in firsts and ev.store_seq > firsts[ev.store_id]]
