"""The print queue: jobs written in the sale's own transaction (the receipt step) or another's (a kiosk ticket, a
reprint), and the worker woken once they commit. The manager's and the till's acts on the queue are in
print_jobs.py; the worker that prints is in print_worker.py."""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from typing import Any

import orjson
from sqlalchemy import event, insert
from sqlalchemy.orm import Session

from common.money import format_money
from common.tables import new_seq_id
from common.tx import SessionTx, Writes, sql_time
from pos.adapters.tables.printing import PrintJob

from . import receipts
from .after_sale import CompletedRefund, CompletedSale
from .context import StoreContext
from .records import next_value_in

_INSERT_JOB = insert(PrintJob.__table__)

log = logging.getLogger(__name__)
WAITING = ("queued", "printing")


class PrintQueue:
    """The after-sale step that queues a sale's or refund's receipt; wakes the worker after the job commits."""

    handles = (CompletedSale, CompletedRefund)

    def __init__(self, ctx: StoreContext) -> None:
        self.ctx = ctx
        self.wakeup = threading.Event()
        self.paper_low = False  # set by the worker from the last status answer

    def wake(self) -> None:
        self.wakeup.set()

    def __call__(self, db: Writes, fact: CompletedSale | CompletedRefund, added: Mapping[str, Any]) -> dict[str, Any]:
        """Inside the sale's or refund's transaction; the receipt shows what earlier steps added (the member's points
        as they stood, kept in the job)."""
        if not fact.number:
            return {}
        kind = "sale" if isinstance(fact, CompletedSale) else "refund"
        # The till and customer display get the shopper's digital-receipt link with the completed sale.
        out: dict[str, Any] = {
            "receipt_url": receipts.digital_url(self.ctx, fact.number),
            "receipt_page": receipts.till_path(self.ctx, fact.number),
        }
        if not self.ctx.has_printer:
            return out
        try:
            # A savepoint: whatever goes wrong with the job, the sale's own writes stand and commit. The job says
            # which receipt to print; the worker builds it from the stored record when it prints (receipts.job_receipt)
            # so the sale's transaction, which holds the store's write lock, does not wait for it.
            with db.savepoint():
                job = queue_job(
                    db,
                    self.ctx,
                    kind,
                    fact.till_id,
                    receipts.stored_job({**fact.view, **added}),
                    ref_id=fact.id,
                    number=fact.number,
                )
        except Exception:  # noqa: BLE001 - printing must never block or roll back a sale
            log.exception(
                "the receipt of %s could not be queued; the %s stands (reprint it by number)", fact.number, kind
            )
            return out
        db.after_commit(self.wake)
        return {**out, "print_job_id": job["id"]}


def queue_ticket(session: Session, ctx: StoreContext, ticket: dict[str, Any], device_id: str) -> str | None:
    """A kiosk cart's ticket (kiosk_carts.ticket_json) printed at the kiosk's printer, queued inside the send's
    own transaction; None when no printer is configured or the job could not be queued (the send stands)."""
    if not ctx.has_printer:
        return None
    try:
        # A savepoint, as for a sale's receipt: a failure here never rolls back or refuses the send.
        with session.begin_nested():
            payload = {
                "store_name": ctx.config.store.name,
                "code": ticket["code"],
                "items": ticket["items"],
                "total": ticket["total"],
                "total_text": format_money(ticket["total"], ctx.currency),
                "qr": ticket["qr_payload"],
            }
            job = add_job(
                session, ctx, "ticket", device_id[:16] or "kiosk", payload, ref_id=ticket["id"], number=ticket["code"]
            )
    except Exception:  # noqa: BLE001 - printing must never block a kiosk cart on its way to the till
        log.exception("the ticket of kiosk cart %s could not be queued; it is on the kiosk screen", ticket["code"])
        return None
    event.listen(session, "after_commit", lambda _s: wake(ctx), once=True)
    return job.id


def queue_of(ctx: StoreContext) -> PrintQueue | None:
    """This context's receipt step (pos.bootstrap puts it among the after-sale steps), if it has one."""
    for step in ctx.after_sale.steps:
        if isinstance(step, PrintQueue):
            return step
    return None


def wake(ctx: StoreContext) -> None:
    """Wake this context's print worker (a job was committed)."""
    q = queue_of(ctx)
    if q is not None:
        q.wake()


def add_job(
    session: Session, ctx: StoreContext, kind: str, till_id: str, payload: dict[str, Any], **about: str | None
) -> PrintJob:
    """queue_job inside an ORM session's transaction (`about`: ref_id, number); the returned job is a plain copy of
    the row, to read."""
    return PrintJob(**queue_job(SessionTx(session), ctx, kind, till_id, payload, **about))


def queue_job(
    db: Writes,
    ctx: StoreContext,
    kind: str,
    till_id: str,
    payload: dict[str, Any],
    ref_id: str | None = None,
    number: str | None = None,
) -> dict[str, Any]:
    """Queue a job inside the caller's transaction, as the receipt step does on every sale's completion: the next
    print_seq and one INSERT with every column, by the driver (no ORM); the row written."""
    now = ctx.clock()
    row = {
        "id": new_seq_id(),
        "seq": next_value_in(db, "print_seq"),
        "kind": kind,
        "ref_id": ref_id,
        "number": number,
        "till_id": till_id,
        "payload": orjson.dumps(payload, default=str).decode(),  # the worker reads it back with json.loads
        "state": "queued",
        "attempts": 0,
        "next_attempt_at": now,
        "last_error": None,
        "created_at": now,
        "printed_at": None,
    }
    db.run(_INSERT_JOB, {**row, "next_attempt_at": sql_time(now), "created_at": sql_time(now)})
    return row
