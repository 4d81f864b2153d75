"""A store that has moved to sale.completed version 4 (each line names its promotion, checked by promotion_checks)
cannot skip the check by sending its sales in an older version: central still takes versions 1 to 3 (stores update
at different times), so it remembers each store's first accepted version 4 sale (`stores.first_v4_sale_seq`), and a
sale of an older version sent after it (a higher store_seq) with a line discount is one whose promotion cannot be
checked: recorded as always, with a task for head office (promotion_checks, `old_version`).

The store_seq, not the order of arrival, tells an honest upgrade apart: the older-version sales a store made before
its upgrade, still in its outbox, come with lower store_seqs than its first version 4 sale, even in the same batch,
and are not flagged; nor is any sale of a store that has never sent version 4 (it has not been updated yet), nor an
older-version sale without a line discount (nothing a promotion could explain). The first version 5 sale (it names
who approved the cashier's discounts) is kept the same way (`stores.first_v5_sale_seq`) for manual_discount_checks.

Concurrency: every push of a store holds the store's row lock from its first statement (docs/locking.md, first in
the order), and a retried dead letter takes it here, before any stock row, by reading the columns FOR UPDATE; so two
workers applying batches of one store read and move the store's first version 4 and 5 sales one after the other."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Update, bindparam, or_, select, update

from central.tables import Store
from common.contract.sale_events import SaleCompleted

if TYPE_CHECKING:
    from .envelope import Event

NAMES_PROMOTIONS = 4  # the first sale.completed version whose lines name their promotion
NAMES_APPROVER = 5  # the first that names the manager who approved its cashier discounts (manual_discount_checks)
FIRSTS = {NAMES_PROMOTIONS: "first_v4_sale_seq", NAMES_APPROVER: "first_v5_sale_seq"}  # stores' columns


def _discounted(p: SaleCompleted) -> bool:
    return any(l.line_discount > 0 for l in p.lines)


def _any_discount(p: SaleCompleted) -> bool:
    return any(l.line_discount > 0 or l.sale_discount > 0 for l in p.lines)


@cache
def _firsts_held() -> Any:
    t = Store.__table__
    return select(*(t.c[c] for c in FIRSTS.values())).where(t.c.id == bindparam("b_store")).with_for_update()


@cache
def _move_first(column: str) -> Update:
    """The store's first sale of a version, moved to an earlier one only: matches no row otherwise."""
    t = Store.__table__
    earlier = or_(t.c[column].is_(None), t.c[column] > bindparam("b_seq"))
    return update(t).where(t.c.id == bindparam("b_store"), earlier).values({column: bindparam("b_seq")})


def note(conn: Connection, sales: list[tuple[Event, SaleCompleted]]) -> list[tuple[Event, SaleCompleted]]:
    """Remember each store's first version 4 and first version 5 sale among these (just checked, about to be
    recorded); the sales of an older version with a line discount that come after its store's first version 4 sale
    (their promotions cannot be checked). Run before any stock row is locked; after it, the store's columns hold
    this batch's firsts too (manual_discount_checks reads `first_v5_sale_seq`)."""
    firsts: dict[int, dict[str, int]] = {v: {} for v in FIRSTS}
    for ev, _ in sales:
        for v, found in firsts.items():
            if ev.schema_version >= v:
                found[ev.store_id] = min(found.get(ev.store_id, ev.store_seq), ev.store_seq)
    # The stores whose older sales are checked against a first: read under the row lock, in one order.
    checked = sorted({ev.store_id for ev, p in sales if ev.schema_version < NAMES_APPROVER and _any_discount(p)})
    held: dict[int, dict[str, int]] = {v: {} for v in FIRSTS}
    for store_id in checked:
        row = conn.execute(_firsts_held(), {"b_store": store_id}).first()
        for v, seq in zip(FIRSTS, row or (), strict=False):
            if seq is not None:
                held[v][store_id] = int(seq)
                firsts[v][store_id] = min(firsts[v].get(store_id, int(seq)), int(seq))
    for v, column in FIRSTS.items():
        for store_id, seq in sorted(firsts[v].items()):
            if held[v].get(store_id, -1) != seq:  # this batch's own sale of that version comes first
                conn.execute(_move_first(column), {"b_store": store_id, "b_seq": seq})
    first_v4 = firsts[NAMES_PROMOTIONS]
    older = [(ev, p) for ev, p in sales if ev.schema_version < NAMES_PROMOTIONS and _discounted(p)]
    return [(ev, p) for ev, p in older if ev.store_id in first_v4 and ev.store_seq > first_v4[ev.store_id]]


def first_v5(conn: Connection, store_id: str) -> int | None:
    """The store's first version 5 sale's store_seq as `note` left it (the push holds the store's row lock)."""
    seq = conn.execute(select(Store.__table__.c.first_v5_sale_seq).where(Store.__table__.c.id == store_id)).scalar()
    return None if seq is None else int(seq)
