"""The print queue: jobs written in the sale's own transaction, the printer's status for the tills, and the
manager's reprint, cancel and open-drawer. The worker that prints is in print_worker.py."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import event, func, insert, select
from sqlalchemy.orm import Session

from common.errors import Conflict, DomainError, NotFound
from common.i18n import LOCALES, both, text
from common.money import format_money
from common.tables import new_seq_id
from common.tx import SessionTx, Writes, sql_time
from pos.adapters.tables.printing import PrintJob
from pos.domain import receipt as receipt_model

from . import auth, receipts
from .after_sale import CompletedRefund, CompletedSale
from .auth import Actor
from .context import StoreContext
from .records import audit, next_value_in

_INSERT_JOB = insert(PrintJob.__table__)

log = logging.getLogger(__name__)
WAITING = ("queued", "printing")

# (Bahasa Indonesia, English) for the till's status badge, by problem code.
# What can be wrong with a printer; the words for each are "printer.<code>" in the `status` catalog.
PROBLEMS: tuple[str, ...] = (
    "paper_out",
    "cover_open",
    "offline",
    "unreachable",
    "connection_lost",
    "no_answer",
    "interrupted",
    "error",
)


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
        """Inside the sale's or refund's transaction; the receipt shows what earlier steps added (points)."""
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
        view = {**fact.view, **added, **out}
        try:
            # A savepoint: whatever goes wrong with the receipt, the sale's own writes stand and commit.
            with db.savepoint():
                cashier = receipts.staff_name(db, view.get("staff_id"))
                build = receipts.sale_receipt if kind == "sale" else receipts.refund_receipt
                model = build(self.ctx, view, cashier)
                job = queue_job(
                    db,
                    self.ctx,
                    kind,
                    fact.till_id,
                    receipt_model.to_dict(model),
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
    event.listen(session, "after_commit", lambda _s: _wake(ctx), once=True)
    return job.id


def queue_of(ctx: StoreContext) -> PrintQueue | None:
    """This context's receipt step (pos.bootstrap puts it among the after-sale steps), if it has one."""
    for step in ctx.after_sale.steps:
        if isinstance(step, PrintQueue):
            return step
    return None


def _wake(ctx: StoreContext) -> None:
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
        "payload": json.dumps(payload, ensure_ascii=False),
        "state": "queued",
        "attempts": 0,
        "next_attempt_at": now,
        "last_error": None,
        "created_at": now,
        "printed_at": None,
    }
    db.run(_INSERT_JOB, {**row, "next_attempt_at": sql_time(now), "created_at": sql_time(now)})
    return row


def job_json(job: PrintJob) -> dict[str, Any]:
    def iso(v: datetime | None) -> str | None:
        return v.isoformat() if v else None

    return {
        "id": job.id,
        "seq": job.seq,
        "kind": job.kind,
        "number": job.number,
        "till_id": job.till_id,
        "state": job.state,
        "attempts": job.attempts,
        "next_attempt_at": iso(job.next_attempt_at),
        "last_error": job.last_error,
        "created_at": iso(job.created_at),
        "printed_at": iso(job.printed_at),
    }


def list_jobs(ctx: StoreContext, actor: Actor, state: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
    """Newest first; `state` narrows to one state."""
    with ctx.db.sessions() as s:
        q = select(PrintJob).order_by(PrintJob.seq.desc()).limit(limit)
        if state:
            q = q.where(PrintJob.state == state)
        return [job_json(j) for j in s.scalars(q)]


def _require_printer(ctx: StoreContext) -> None:
    if not ctx.has_printer:
        raise Conflict("no_printer", "no receipt printer is configured on this store server")


def _job(session: Session, job_id: str) -> PrintJob:
    job = session.get(PrintJob, job_id)
    if job is None:
        raise NotFound("unknown_print_job", f"print job {job_id} not found")
    return job


def reprint(
    ctx: StoreContext, actor: Actor, job_id: str, approval: dict[str, str] | None, reason: str | None = None
) -> dict[str, Any]:
    """A waiting or failed job: try again now. A printed or cancelled one: print a copy (SALINAN / COPY)."""
    _require_printer(ctx)
    with ctx.db.sessions() as s:
        if _job(s, job_id).kind == "drawer":
            raise Conflict("not_a_receipt", "a drawer kick cannot be reprinted; use open drawer")
    approver = auth.manager_approval(ctx, actor, approval, "a reprint")
    with ctx.db.unit_of_work() as s:
        job = _job(s, job_id)
        if job.state == "printing":
            raise Conflict("printing_now", "this receipt is being printed right now")
        if job.state in ("queued", "failed"):
            job.state, job.next_attempt_at = "queued", ctx.clock()
            out, action = job, "print_retry"
        elif job.kind == "ticket":  # a kiosk ticket again, as it was: its QR still names the same cart
            out = add_job(s, ctx, "ticket", job.till_id, json.loads(job.payload), ref_id=job.ref_id, number=job.number)
            action = "print_reprint"
        else:
            copy = receipt_model.to_dict(receipt_model.from_dict(json.loads(job.payload)).as_copy())
            out = add_job(s, ctx, "reprint", actor.till_id, copy, ref_id=job.ref_id, number=job.number)
            action = "print_reprint"
        audit(
            s,
            ctx,
            action,
            till_id=actor.till_id,
            requested_by=actor.staff_id,
            approved_by=approver,
            ref_id=out.id,
            detail={"number": job.number, "job": job.id, "reason": reason},
        )
        result = job_json(out)
    _wake(ctx)
    return result


def reprint_receipt(
    ctx: StoreContext, actor: Actor, number: str, approval: dict[str, str] | None, reason: str | None = None
) -> dict[str, Any]:
    """A copy (SALINAN / COPY) of any receipt by its number."""
    _require_printer(ctx)
    receipts.get_receipt(ctx, number)  # unknown -> 404 before anyone types a PIN
    approver = auth.manager_approval(ctx, actor, approval, "a reprint")
    with ctx.db.unit_of_work() as s:
        model = receipts.receipt_in(s, ctx, number).as_copy()
        job = add_job(s, ctx, "reprint", actor.till_id, receipt_model.to_dict(model), number=number)
        audit(
            s,
            ctx,
            "print_reprint",
            till_id=actor.till_id,
            requested_by=actor.staff_id,
            approved_by=approver,
            ref_id=job.id,
            detail={"number": number, "reason": reason},
        )
        result = job_json(job)
    _wake(ctx)
    return result


def cancel(
    ctx: StoreContext, actor: Actor, job_id: str, approval: dict[str, str] | None, reason: str | None = None
) -> dict[str, Any]:
    """Drop a waiting or failed job (the shopper has left, say); the sale itself is untouched."""
    with ctx.db.sessions() as s:
        _job(s, job_id)
    approver = auth.manager_approval(ctx, actor, approval, "cancelling a print job")
    with ctx.db.unit_of_work() as s:
        job = _job(s, job_id)
        if job.state not in ("queued", "failed"):
            raise Conflict(
                f"job_{job.state}", f"this print job is {job.state}; only waiting or failed jobs can be cancelled"
            )
        job.state = "cancelled"
        audit(
            s,
            ctx,
            "print_cancel",
            till_id=actor.till_id,
            requested_by=actor.staff_id,
            approved_by=approver,
            ref_id=job.id,
            detail={"number": job.number, "reason": reason},
        )
        result = job_json(job)
    _wake(ctx)
    return result


def open_drawer(ctx: StoreContext, actor: Actor, approval: dict[str, str] | None, reason: str) -> dict[str, Any]:
    """The manager's "open drawer": a kick pulse through the printer, with the reason in the audit log."""
    _require_printer(ctx)
    if not reason or not reason.strip():
        raise DomainError("reason_required", "say why the drawer is opened")
    approver = auth.manager_approval(ctx, actor, approval, "opening the cash drawer")
    with ctx.db.unit_of_work() as s:
        job = add_job(s, ctx, "drawer", actor.till_id, {"reason": reason.strip()})
        audit(
            s,
            ctx,
            "drawer_open",
            till_id=actor.till_id,
            requested_by=actor.staff_id,
            approved_by=approver,
            ref_id=job.id,
            detail={"reason": reason.strip()},
        )
        result = job_json(job)
    _wake(ctx)
    return result


def _problem(job: PrintJob | None) -> str | None:
    if job is None or not job.attempts or not job.last_error:
        return None
    code = job.last_error.split(":", 1)[0]
    return code if code in PROBLEMS else "error"


def printer_status(ctx: StoreContext) -> dict[str, Any]:
    """What the till's badge shows: ok / warn / error, in both languages, and how many receipts wait."""
    q = queue_of(ctx)
    with ctx.db.sessions() as s:
        waiting = s.scalar(select(func.count()).select_from(PrintJob).where(PrintJob.state.in_(WAITING))) or 0
        failed = (
            s.scalar(
                select(func.count()).select_from(PrintJob).where(PrintJob.state == "failed", PrintJob.kind != "drawer")
            )
            or 0
        )
        head = s.scalar(select(PrintJob).where(PrintJob.state.in_(WAITING)).order_by(PrintJob.seq).limit(1))
        code = _problem(head)
    if not ctx.has_printer:
        level, texts = "ok", both("status", "printer.none")
    elif code:
        level = "error"
        texts = {
            loc: text("status", loc, "printer.problem", problem=text("status", loc, f"printer.{code}"), n=waiting)
            for loc in LOCALES
        }
    elif failed:
        level, texts = "warn", both("status", "printer.failed", n=failed)
    elif q is not None and q.paper_low:
        level, texts = "warn", both("status", "printer.paper_low")
    else:
        level, texts = "ok", both("status", "printer.ready")
    return {
        "level": level,
        "text": texts["id"],
        "text_en": texts["en"],
        "texts": texts,
        "waiting": waiting,
        "code": code,
    }
