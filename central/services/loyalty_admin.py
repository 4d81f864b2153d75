"""What the central admin reads of loyalty: member search, one member's page (ledger, holds, allowances), debts.

The changes (block, adjust, grant an allowance) are the loyalty services' own: loyalty.set_blocked, loyalty.adjust,
offline_allowances.grant_allowance.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.sql.elements import ColumnElement

from central.tables import Location, LoyaltyRule, Member, OfflineAllowance, PointsEntry, PointsHold, Refund, Sale, Store
from central.tables.base import new_id
from common.errors import DomainError
from common.money import group_thousands

from . import loyalty, loyalty_rules
from .cart_views import local_time
from .context import CentralContext
from .offline_allowances import OFFLINE_NOTE

WHEN = "%d/%m/%Y %H:%M %Z"  # with the zone (WIB): head office and its stores may be in different ones


def _row(ctx: CentralContext, m: Member) -> dict[str, Any]:
    return {
        "id": m.id,
        "number": m.number,
        "name": m.name,
        "phone": m.phone,
        "email": m.email,
        "balance": m.balance,
        "held": m.held,
        "blocked": m.blocked,
        "since": local_time(ctx, m.created_at, "%d/%m/%Y"),
    }


SEARCH_MAX = 80  # characters of a search; longer is refused
SEARCH_MIN = 3  # letters or digits of a search: fewer match too many members, and no index can find them
EXPORT_CAP = 100_000  # members in one CSV; more than that: the CSV and the page say it was cut there
EXPORT_CHUNK = 5_000  # members read at a time for the CSV (on PostgreSQL each chunk reads the members found)


def search_members(ctx: CentralContext, q: str, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    """Members whose name or e-mail contains `q`, whose member number starts with it or whose phone contains it
    (typed as 0812..., +62 812... or 62812...); the newest members when `q` is empty. `offset`: a later page."""
    where, order, _ = _search(q)
    with ctx.db.sessions() as s:
        return [
            _row(ctx, m) for m in s.scalars(select(Member).where(*where).order_by(*order).offset(offset).limit(limit))
        ]


def search_page(ctx: CentralContext, q: str, page: int, per: int) -> dict[str, Any]:
    """Page `page` of a search, `per` members a page, with how many it finds in all and whether the CSV of them
    all would be cut at EXPORT_CAP."""
    where, _, _ = _search(q)
    with ctx.db.sessions() as s:
        total = int(s.scalar(select(func.count()).select_from(Member).where(*where)) or 0)
    items = search_members(ctx, q, limit=per, offset=(page - 1) * per)
    first = (page - 1) * per + 1
    return {
        "items": items,
        "first": first if items else 0,
        "last": first + len(items) - 1 if items else 0,
        "total": total,
        "page": page,
        "pages": max(1, -(-total // per)),
        "cap": EXPORT_CAP,
    }


@dataclass
class MemberExport:
    """Every member search_members finds for `q`, in its order, EXPORT_CHUNK at a time, each chunk read after the
    last one's member (keyset: none twice, none skipped, whoever signs up meanwhile), in a session of its own so a
    long download holds no transaction open; at most `cap`. Read `count` and `cut` (more than `cap`) after it."""

    ctx: CentralContext
    q: str
    cap: int = 0  # 0: EXPORT_CAP
    size: int = 0  # 0: EXPORT_CHUNK
    count: int = 0
    cut: bool = False

    def __iter__(self) -> Iterator[list[dict[str, Any]]]:
        self.cap, self.size = self.cap or EXPORT_CAP, self.size or EXPORT_CHUNK
        where, order, after = _search(self.q)
        last: Member | None = None
        while self.count < self.cap:
            stmt = select(Member).where(*where, *([after(last)] if last is not None else []))
            with self.ctx.db.sessions() as s:
                found = list(s.scalars(stmt.order_by(*order).limit(min(self.size, self.cap - self.count))))
                rows = [_row(self.ctx, m) for m in found]
            if not rows:
                return
            self.count += len(rows)
            last = found[-1]
            yield rows
        with self.ctx.db.sessions() as s:
            self.cut = s.scalar(select(Member.id).where(*where, after(last)).limit(1)) is not None if last else False


Keyset = Callable[[Member], ColumnElement[bool]]


def too_short(q: str) -> bool:
    """A search with fewer than SEARCH_MIN letters or digits: refused (the empty search lists the newest members)."""
    return bool((q or "").strip()) and sum(ch.isalnum() for ch in q) < SEARCH_MIN


def _search(q: str) -> tuple[list[ColumnElement[bool]], list[Any], Keyset]:
    """A search's conditions, its order (by name; the newest first when `q` is empty; the member number, which is
    unique, last) and the condition for the members after a given one in that order.

    Every condition is lower(column) LIKE lower(pattern): the very expressions the trigram indexes are on
    (migration 0024), so PostgreSQL reads the members a search finds, not all of them; the same matches as ILIKE."""
    q = " ".join((q or "").split())[:SEARCH_MAX]
    if not q:
        newest = [Member.created_at.desc(), Member.number]
        return (
            [],
            newest,
            lambda m: or_(
                Member.created_at < m.created_at, and_(Member.created_at == m.created_at, Member.number > m.number)
            ),
        )
    if too_short(q):
        raise DomainError("search_too_short", f"a search is at least {SEARCH_MIN} letters or digits", n=SEARCH_MIN)
    part = f"%{_escape(q)}%"
    conds = [_like(Member.name, part), _like(Member.email, part)]
    digits = "".join(ch for ch in q if ch not in " ().-+")
    if digits.isdigit():
        conds.append(_like(Member.number, f"{_escape(digits)}%"))
        phone = digits[1:] if digits.startswith("0") else digits  # stored as 62...: 0812 is found as 812
        if len(phone) >= SEARCH_MIN:  # "081" would be any phone with 81 in it, read from every member
            conds.append(_like(Member.phone, f"%{_escape(phone)}%"))
    return (
        [or_(*conds)],
        [Member.name, Member.number],
        lambda m: or_(Member.name > m.name, and_(Member.name == m.name, Member.number > m.number)),
    )


def _like(column: Any, pattern: str) -> ColumnElement[bool]:
    return func.lower(column).like(func.lower(pattern), escape="/")


def _escape(text: str) -> str:
    """`text` matched as written: its %, _ and / are no wildcards (escaped with /)."""
    return text.replace("/", "//").replace("%", "/%").replace("_", "/_")


def member_page(ctx: CentralContext, member_id: str, entries: int = 50) -> dict[str, Any]:
    """A member with their latest ledger entries, open holds, offline allowances per store, and the stores."""
    now = ctx.clock()
    with ctx.db.sessions() as s:
        m = loyalty.find_member(s, ctx, member_id=member_id)
        view = {**loyalty.member_view(s, ctx, m, entries), "since": local_time(ctx, m.created_at, WHEN)}
        refs = {e["ref_id"] for e in view["recent"] if e.get("ref_id")}
        # A person reads receipt numbers and store names, not the ids the ledger keeps.
        numbers = dict(s.execute(select(Sale.id, Sale.number).where(Sale.id.in_(refs))).all())
        numbers.update(s.execute(select(Refund.id, Refund.number).where(Refund.id.in_(refs))).all())
        view["store_names"] = {c: n or c for c, n in s.execute(select(Location.code, Location.name)).all()}
        for e in view["recent"]:
            e["when"] = local_time(ctx, datetime.fromisoformat(e["at"]), WHEN)
            e["receipt"] = numbers.get(e.get("ref_id") or "", "")
        view["holds"] = [
            {
                "id": h.id,
                "store_id": h.store_id,
                "points": h.points,
                "lapsed": h.expires_at <= now,
                "until": local_time(ctx, h.expires_at, WHEN),
            }
            for h in s.scalars(
                select(PointsHold)
                .where(PointsHold.member_id == m.id, PointsHold.state == "held")
                .order_by(PointsHold.created_at)
            )
        ]
        view["allowances"] = [
            {
                "id": a.id,
                "store_id": a.store_id,
                "points": a.points,
                "used": a.used,
                "left": max(0, a.points - a.used),
                "expired": a.expires_at <= now,
                "until": local_time(ctx, a.expires_at, "%d/%m/%Y"),
                "granted": local_time(ctx, a.granted_at, WHEN),
            }
            for a in s.scalars(
                select(OfflineAllowance).where(OfflineAllowance.member_id == m.id).order_by(OfflineAllowance.store_id)
            )
        ]
    view["stores"] = store_choices(ctx)
    view["point_value"] = ctx.config.loyalty.point_value
    view["default_days"] = ctx.config.loyalty.offline_allowance_days
    return view


def adjust(ctx: CentralContext, member_id: str, points: int, note: str, into_debt: bool = False) -> dict[str, Any]:
    """An admin's adjustment (loyalty.adjust). One that would take the balance below zero is refused unless the admin
    said so (a typo, -99999 for -9999, puts a member in debt at every store). A guard for people, not an invariant:
    the balance is read here, the adjustment made in its own transaction."""
    if points < 0 and not into_debt:
        with ctx.db.sessions() as s:
            balance = loyalty.find_member(s, ctx, member_id=member_id).balance
        if balance + points < 0:
            raise DomainError(
                "adjust_into_debt",
                f"the balance {balance} would become {balance + points}",
                balance=group_thousands(balance),
                after=group_thousands(balance + points),
            )
    return loyalty.adjust(ctx, member_id, points, note)


def store_choices(ctx: CentralContext) -> list[tuple[str, str]]:
    """The active stores, (id, label), for an allowance's store select."""
    with ctx.db.sessions() as s:
        return [
            (st.id, f"{st.id} · {st.name}" if st.name and st.name != st.id else st.id)
            for st in s.scalars(select(Store).where(Store.active.is_(True)).order_by(Store.id))
        ]


def debts(ctx: CentralContext) -> list[dict[str, Any]]:
    """Members below zero, deepest first, with where the debt came from (what each store redeemed offline for
    them, by the store's name; what head office took off by adjustments, `store_id` None) and the debt's worth in
    Rupiah at today's point value."""
    owing = loyalty.debts(ctx)
    if not owing:
        return []
    ids = [d["id"] for d in owing]
    with ctx.db.sessions() as s:
        offline = s.execute(
            select(PointsEntry.member_id, PointsEntry.store_id, -func.sum(PointsEntry.points))
            .where(PointsEntry.member_id.in_(ids), PointsEntry.kind == "redeem", PointsEntry.note == OFFLINE_NOTE)
            .group_by(PointsEntry.member_id, PointsEntry.store_id)
            .order_by(PointsEntry.store_id)
        ).all()
        taken_off = s.execute(
            select(PointsEntry.member_id, -func.sum(PointsEntry.points))
            .where(PointsEntry.member_id.in_(ids), PointsEntry.kind == "adjust", PointsEntry.points < 0)
            .group_by(PointsEntry.member_id)
        ).all()
        codes = {store_id for _, store_id, _ in offline}
        names = dict(s.execute(select(Location.code, Location.name).where(Location.code.in_(codes))).all())
    by_member: dict[str, list[dict[str, Any]]] = {}
    for member_id, store_id, points in offline:
        by_member.setdefault(member_id, []).append(
            {"store_id": store_id, "name": names.get(store_id or "", store_id), "points": int(points)}
        )
    for member_id, points in taken_off:
        by_member.setdefault(member_id, []).append({"store_id": None, "name": None, "points": int(points)})
    value = ctx.config.loyalty.point_value
    return [{**d, "value": d["debt"] * value, "stores": by_member.get(d["id"], [])} for d in owing]


def debt_count(ctx: CentralContext) -> int:
    with ctx.db.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(Member).where(Member.balance < 0)) or 0)


# Here, not in loyalty_rules: publishing the new rule goes through loyalty, which reads loyalty_rules.
def set_rule(
    ctx: CentralContext, earn_per_amount: int, point_value: int, effective_from: datetime | None = None, note: str = ""
) -> dict[str, Any]:
    """A new rule from `effective_from` (default now); stores get it through the feed before it takes effect."""
    if not 1 <= earn_per_amount <= 10**9 or not 1 <= point_value <= 10**9:
        raise DomainError("bad_rule", "earn_per_amount and point_value are whole amounts from 1 to 1.000.000.000")
    start = (effective_from or ctx.clock()).replace(tzinfo=None, microsecond=0)
    with ctx.db.unit_of_work() as s:
        if s.scalar(select(LoyaltyRule.id).limit(1)) is None:
            first = loyalty_rules.config_rule(ctx)
            s.add(
                LoyaltyRule(
                    id=new_id(),
                    effective_from=first.effective_from,
                    earn_per_amount=first.earn_per_amount,
                    point_value=first.point_value,
                    note="from the [loyalty] config",
                    created_at=ctx.clock(),
                )
            )
        if s.scalar(select(LoyaltyRule.id).where(LoyaltyRule.effective_from == start)) is not None:
            raise DomainError("rule_exists", f"a rule already takes effect at {start.isoformat()}")
        row = LoyaltyRule(
            id=new_id(),
            effective_from=start,
            earn_per_amount=earn_per_amount,
            point_value=point_value,
            note=note[:200],
            created_at=ctx.clock(),
        )
        s.add(row)
        s.flush()
        loyalty.publish(s, ctx, set())
        return loyalty_rules.Rule(row.id, row.effective_from, row.earn_per_amount, row.point_value).data()
