"""What each store's agent reports with its sync calls (version, outbox, printer, round time, clock), kept on
its store row for the admin page and /metrics: at most every 30 s per process, so an idle pull rarely writes."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, update

from central.tables import CentralMeta, DeadLetter, Store
from common.contract.report import parse_report

from .context import CentralContext

STAMP_SECONDS = 30.0
_stamped: dict[tuple[int, str, bool], float] = {}


def note_report(ctx: CentralContext, store_id: str, header: str | None, cursor: int | None = None) -> None:
    key, now = (id(ctx), store_id, cursor is None), time.monotonic()  # pulls (with their cursor) apart from pushes
    if now - _stamped.get(key, -STAMP_SECONDS) < STAMP_SECONDS:
        return
    report = parse_report(header)
    if not report:  # an agent that reports nothing (an older one) leaves the row alone
        return
    _stamped[key] = now
    received = ctx.clock()
    values: dict[str, Any] = {"reported_at": received}
    for field, column in (
        ("version", "reported_version"),
        ("depth", "reported_outbox_depth"),
        ("oldest", "reported_outbox_oldest_seconds"),
        ("dead", "reported_dead_letters"),
        ("printer", "reported_printer"),
        ("waiting", "reported_printer_waiting"),
        ("round", "reported_round_seconds"),
    ):
        if field in report:
            values[column] = report[field]
    if cursor is not None:
        values["reported_cursor"] = cursor
    if "clock" in report:
        values["clock_skew_seconds"] = _skew(report["clock"], received)
    with ctx.db.unit_of_work() as s:
        s.execute(update(Store).where(Store.id == store_id).values(**values))


def _naive_utc(at: datetime) -> datetime:
    return at.astimezone(UTC).replace(tzinfo=None) if at.tzinfo else at


def _skew(clock: datetime, received: datetime) -> float:
    """The store's clock minus central's, in seconds (central's receive time is the one that counts)."""
    return round((_naive_utc(clock) - received).total_seconds(), 3)


def clock_check(ctx: CentralContext, header: str | None) -> dict[str, Any]:
    """What a pull answers about time: central's clock, this store's skew as measured on this very call (None when
    the agent reports no clock) and the bound over which both admin page and store sync page warn. Nothing written."""
    now, report = ctx.clock(), parse_report(header)
    return {
        "central_time": now.isoformat(),
        "skew_seconds": _skew(report["clock"], now) if "clock" in report else None,
        "warn_seconds": ctx.config.sync.clock_skew_warn_seconds,
    }


def health_overview(ctx: CentralContext) -> dict[str, Any]:
    """Per store what head office watches: last contact, outbox, dead letters, printer, version, clock, feed lag."""
    bound = ctx.config.sync.clock_skew_warn_seconds
    with ctx.db.sessions() as s:
        head = int(s.scalar(select(CentralMeta.feed_seq).where(CentralMeta.id == 1)) or 0)
        dead = dict(
            s.execute(
                select(DeadLetter.store_id, func.count())
                .where(DeadLetter.resolved_at.is_(None))
                .group_by(DeadLetter.store_id)
            ).all()
        )
        rows = list(s.scalars(select(Store).order_by(Store.id)))
    now = ctx.clock()
    stores = []
    for st in rows:
        contact = last_contact(st)
        skew = st.clock_skew_seconds
        stores.append(
            {
                "id": st.id,
                "active": st.active,
                "last_contact_at": contact,
                "last_contact_age": (now - contact).total_seconds() if contact else None,
                "last_seq": st.last_seq,
                "version": st.reported_version,
                "outbox_depth": st.reported_outbox_depth,
                "outbox_oldest_seconds": st.reported_outbox_oldest_seconds,
                "dead_letters": int(dead.get(st.id, 0)),
                "printer": st.reported_printer,
                "printer_waiting": st.reported_printer_waiting,
                "round_seconds": st.reported_round_seconds,
                "feed_lag": max(0, head - st.reported_cursor) if st.reported_cursor is not None else None,
                "clock_skew_seconds": skew,
                "clock_warning": skew is not None and abs(skew) > bound,
            }
        )
    return {"feed_head": head, "clock_bound": bound, "stores": stores}


def last_contact(st: Store) -> datetime | None:
    """When central last heard from the store: a push, a pull or a health report."""
    return max([t for t in (st.last_push_at, st.last_pull_at, st.reported_at) if t is not None], default=None)
