"""The manager's and the till's acts on the print queue (printing.py): the jobs listed, a reprint of a job or of a
receipt by number, a job cancelled, the cash drawer opened, and the printer's status the tills show."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from common.errors import Conflict, DomainError, NotFound
from common.i18n import LOCALES, both, text
from pos.adapters.tables.printing import PrintJob
from pos.domain import receipt as receipt_model

from . import auth, receipts
from .auth import Actor
from .context import StoreContext
from .manager_access import BACKOFFICE_TILL
from .printing import WAITING, add_job, queue_of, wake
from .records import audit

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


# The approval the manager screens give (only a manager signs in there): their views pass this very object, which no
# API body can be, so at a till a reprint or cancel still takes a manager's code and PIN.
ON_MANAGER_SCREENS: Final[dict[str, str]] = {}


def _approver(ctx: StoreContext, actor: Actor, approval: dict[str, str] | None, what: str) -> str:
    if approval is ON_MANAGER_SCREENS and actor.role == "manager" and actor.till_id == BACKOFFICE_TILL:
        return actor.staff_id
    return auth.manager_approval(ctx, actor, None if approval is ON_MANAGER_SCREENS else approval, what)


def reprint(
    ctx: StoreContext, actor: Actor, job_id: str, approval: dict[str, str] | None, reason: str | None = None
) -> dict[str, Any]:
    """A waiting or failed job: try again now. A printed or cancelled one: print a copy (SALINAN / COPY)."""
    _require_printer(ctx)
    with ctx.db.sessions() as s:
        first = _job(s, job_id)
        if first.kind == "drawer":
            raise Conflict("not_a_receipt", "a drawer kick cannot be reprinted; use open drawer")
        if first.kind == "cash" and first.state in ("printed", "cancelled"):
            raise _no_slip_copy()
    approver = _approver(ctx, actor, approval, "a reprint")
    with ctx.db.unit_of_work() as s:
        job = _job(s, job_id)
        if job.state == "printing":
            raise Conflict("printing_now", "this receipt is being printed right now")
        if job.state in ("queued", "failed"):
            job.state, job.next_attempt_at = "queued", ctx.clock()
            out, action = job, "print_retry"
        elif job.kind == "cash":  # a second slip would kick the drawer open again
            raise _no_slip_copy()
        elif job.kind == "ticket":  # a kiosk ticket again, as it was: its QR still names the same cart
            out = add_job(s, ctx, "ticket", job.till_id, json.loads(job.payload), ref_id=job.ref_id, number=job.number)
            action = "print_reprint"
        else:
            copy = receipt_model.to_dict(receipts.job_receipt(s, ctx, job.number, json.loads(job.payload)).as_copy())
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
    wake(ctx)
    return result


def _no_slip_copy() -> Conflict:
    return Conflict(
        "cash_slip_copy", "a cash slip is not printed again: the manager's shift page lists each cash in and out"
    )


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
    wake(ctx)
    return result


def cancel(
    ctx: StoreContext, actor: Actor, job_id: str, approval: dict[str, str] | None, reason: str | None = None
) -> dict[str, Any]:
    """Drop a waiting or failed job (the shopper has left, say); the sale itself is untouched."""
    with ctx.db.sessions() as s:
        _job(s, job_id)
    approver = _approver(ctx, actor, approval, "cancelling a print job")
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
    wake(ctx)
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
    wake(ctx)
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
