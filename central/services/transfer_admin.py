"""The admin's view of transfers: every transfer between stores, newest first, narrowed by store (sending or
receiving), state (open difference, in transit, received, requested, declined), the shop's days and product; a page
at a time with how many match, or all of them a chunk at a time (the CSV). By default what needs someone: the open
differences (received other than sent) and what is in transit."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from central.tables import Location, Product, ReconciliationItem, Transfer, TransferLine
from common.errors import DomainError
from common.money import group_thousands

from . import report_days
from .context import CentralContext
from .transfers import DIFFERENCE

PER_PAGE = 50
CHUNK = 200  # transfers read at a time for the CSV
OPEN = "open"  # open differences and in transit: the default
STATES = (OPEN, "difference", "sent", "received", "requested", "declined", "all")
MAX_TEXT = 80  # a store code or product text typed; longer is refused
MAX_PAGE = 100_000
# The day a transfer is listed under: the day it was sent; one never sent (requested, declined), the day it was asked.
listed_at = func.coalesce(Transfer.sent_at, Transfer.requested_at, Transfer.updated_at)


class BadFilter(DomainError):
    status = 400


@dataclass(frozen=True)
class Filters:
    store: str = ""
    status: str = OPEN
    start: date | None = None
    end: date | None = None
    product: str = ""
    page: int = 1

    def args(self) -> dict[str, str]:
        """The filters as a link's query (a page of them, the CSV): only what differs from the default."""
        shown = {"store": self.store, "product": self.product, "status": "" if self.status == OPEN else self.status}
        shown |= {"from": self.start.isoformat() if self.start else "", "to": self.end.isoformat() if self.end else ""}
        return {k: v for k, v in shown.items() if v}


def filters(ctx: CentralContext, args: Mapping[str, str], start: date | None, end: date | None) -> Filters:
    """The filters asked for (the days already read as dates); a bad one is refused with what was wrong."""
    text = {k: " ".join((args.get(k) or "").split()) for k in ("store", "product", "status", "page")}
    for key, value in text.items():
        if len(value) > MAX_TEXT:
            raise BadFilter("filter_too_long", f"{key} is longer than {MAX_TEXT} characters", n=MAX_TEXT)
    status = text["status"] or OPEN
    if status not in STATES:
        raise BadFilter("bad_transfer_status", f"{status!r} is not one of {', '.join(STATES)}")
    page = text["page"] or "1"
    if not (page.isascii() and page.isdigit() and 1 <= int(page) <= MAX_PAGE):
        raise BadFilter("bad_page", f"the page is a whole number from 1 to {MAX_PAGE}", most=group_thousands(MAX_PAGE))
    for day in (start, end):
        if day and not 2000 <= day.year <= 2999:
            raise BadFilter("bad_date", f"{day.isoformat()} is not a day transfers happen")
    if start and end and start > end:
        raise BadFilter("bad_range", "the first day comes after the last")
    store = text["store"]
    if store:  # typed as the stores write it or not: toko-01 is TOKO-01
        with ctx.db.sessions() as s:
            known = s.scalar(select(Location.code).where(func.upper(Location.code) == store.upper()).limit(1))
        if known is None:
            raise BadFilter("unknown_store", f"store {store} is not known here", store=store)
        store = known
    return Filters(store, status, start, end, text["product"], int(page))


def page(ctx: CentralContext, f: Filters) -> dict[str, Any]:
    """One page of the transfers that match, newest first, with how many match and the stores to choose from."""
    where = _where(ctx, f)
    with ctx.db.sessions() as s:
        total = int(s.scalar(select(func.count()).select_from(Transfer).where(*where)) or 0)
        found = list(
            s.scalars(
                select(Transfer)
                .where(*where)
                .order_by(listed_at.desc(), Transfer.id.desc())
                .offset((f.page - 1) * PER_PAGE)
                .limit(PER_PAGE)
            )
        )
        rows = _rows(s, found)
        stores = [(c, n or c) for c, n in s.execute(select(Location.code, Location.name).order_by(Location.code))]
    first = (f.page - 1) * PER_PAGE + 1
    return {
        "transfers": rows,
        "total": total,
        "first": first if rows else 0,
        "last": first + len(rows) - 1 if rows else 0,
        "pages": max(1, -(-total // PER_PAGE)),
        "stores": stores,
        "zone": report_days.abbreviation(report_days.zone(ctx), f.end or ctx.clock().date()),  # the days' clock: WIB
    }


def every(ctx: CentralContext, f: Filters, size: int = CHUNK) -> Iterator[list[dict[str, Any]]]:
    """Every transfer that matches, in the page's order, `size` at a time: one query read as it goes (a server-side
    cursor on PostgreSQL), so the CSV is one consistent picture and costs one sort, not one per chunk (the listed
    time has no index a chunk could start from)."""
    stmt = select(Transfer).where(*_where(ctx, f)).order_by(listed_at.desc(), Transfer.id.desc())
    with ctx.db.sessions() as s:
        for part in s.scalars(stmt.execution_options(yield_per=size)).partitions():
            yield _rows(s, list(part))


def _open_differences() -> Any:
    return select(ReconciliationItem.ref_id).where(
        ReconciliationItem.kind == DIFFERENCE,
        ReconciliationItem.resolved_at.is_(None),
        ReconciliationItem.ref_id.is_not(None),
    )


def _where(ctx: CentralContext, f: Filters) -> list[ColumnElement[bool]]:
    """The conditions the filters make; each on an indexed column (stores, state) or a range of the listed time."""
    differing = Transfer.id.in_(_open_differences())
    states: dict[str, ColumnElement[bool]] = {
        OPEN: or_(Transfer.status == "sent", and_(Transfer.status == "received", differing)),
        "difference": and_(Transfer.status == "received", differing),
        "received": and_(Transfer.status == "received", Transfer.id.not_in(_open_differences())),
    }
    where: list[ColumnElement[bool]] = []
    if f.status != "all":
        where.append(states.get(f.status, Transfer.status == f.status))
    if f.store:
        where.append(or_(Transfer.from_store == f.store, Transfer.to_store == f.store))
    if f.start:
        where.append(listed_at >= report_days.begins(ctx, f.start))
    if f.end:
        where.append(listed_at < report_days.begins(ctx, f.end + timedelta(days=1)))
    if f.product:
        skus = select(Product.sku).where(
            or_(Product.sku.icontains(f.product, autoescape=True), Product.name.icontains(f.product, autoescape=True))
        )
        where.append(Transfer.id.in_(select(TransferLine.transfer_id).where(TransferLine.sku.in_(skus))))
    return where


def _rows(s: Session, found: list[Transfer]) -> list[dict[str, Any]]:
    """The transfers as the page and the CSV show them: both stores' and the products' names, each one's state."""
    ids = [t.id for t in found]
    lines: dict[str, list[TransferLine]] = defaultdict(list)
    for l in s.scalars(select(TransferLine).where(TransferLine.transfer_id.in_(ids)).order_by(TransferLine.sku)):
        lines[l.transfer_id].append(l)
    differing = set(s.scalars(_open_differences().where(ReconciliationItem.ref_id.in_(ids))))
    codes = {t.from_store for t in found} | {t.to_store for t in found}
    stores = {c: n or c for c, n in s.execute(select(Location.code, Location.name).where(Location.code.in_(codes)))}
    skus = {l.sku for mine in lines.values() for l in mine}
    products = {
        r.sku: r for r in s.execute(select(Product.sku, Product.name, Product.measure).where(Product.sku.in_(skus)))
    }

    def row(t: Transfer) -> dict[str, Any]:
        mine = lines[t.id]
        return {
            "id": t.id,
            "short": t.id[:8].upper(),
            "state": "difference" if t.id in differing else t.status,
            "from_store": t.from_store,
            "from_name": stores.get(t.from_store, t.from_store),
            "to_store": t.to_store,
            "to_name": stores.get(t.to_store, t.to_store),
            "requested_at": t.requested_at,
            "sent_at": t.sent_at,
            "received_at": t.received_at,
            "units": sum((l.sent if t.sent_at else l.requested) or 0 for l in mine),  # asked for, not sent yet
            "lines": [
                {
                    "sku": l.sku,
                    "name": products[l.sku].name if l.sku in products else l.sku,
                    "measure": products[l.sku].measure if l.sku in products else "unit",  # a weighed one's grams
                    "requested": l.requested,
                    "sent": l.sent,
                    "received": l.received,
                    "differs": l.received is not None and l.received != (l.sent or 0),
                }
                for l in mine
                if l.sent or l.received or l.requested
            ],
        }

    return [row(t) for t in found]
