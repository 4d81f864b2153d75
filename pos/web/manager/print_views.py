"""The print queue ("Antrean cetak"), which the printer's badge points to when a receipt failed: the latest jobs with
what went wrong, and for each one, printing it again, a copy, or cancelling it. The signed-in manager approves."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, flash, g, redirect, request, url_for
from werkzeug.wrappers import Response

from common import i18n
from common.errors import DomainError
from pos.services import print_jobs
from pos.services.store_time import to_local

from ..api.common import ctx
from .access import err, me, page, t

SHOWN = 50  # the latest jobs: a day's failures of a busy store fit; older ones are in the audit log


def _problem(last_error: str | None) -> str:
    """What went wrong, in the `status` catalog's words (paper out, cover open ...), not the printer's message."""
    if not last_error:
        return ""
    code = last_error.split(":", 1)[0]
    return i18n.text("status", g.get("lang", "id"), f"printer.{code if code in print_jobs.PROBLEMS else 'error'}")


def _jobs() -> list[dict[str, Any]]:
    jobs = print_jobs.list_jobs(ctx(), me(), limit=SHOWN)
    for j in jobs:
        j["created_local"] = to_local(ctx(), datetime.fromisoformat(j["created_at"]))
        j["problem"] = _problem(j["last_error"]) if j["state"] in ("queued", "failed") else ""
    return jobs


def _done(step: str, job_id: str) -> Response:
    try:
        if step == "cancel":
            job = print_jobs.cancel(ctx(), me(), job_id, print_jobs.ON_MANAGER_SCREENS)
            flash(t("print.cancelled", number=job["number"] or ""), "ok")
        else:
            job = print_jobs.reprint(ctx(), me(), job_id, print_jobs.ON_MANAGER_SCREENS)
            flash(t("print.sent", number=job["number"] or ""), "ok")
    except DomainError as e:
        flash(err(e), "error")
    return redirect(url_for("manager.print_queue"))


def register(bp: Blueprint) -> None:
    @bp.get("/print-queue")
    def print_queue():
        return page("print_queue.html", jobs=_jobs(), printer=print_jobs.printer_status(ctx()), has=ctx().has_printer)

    @bp.post("/print-queue/<job_id>")
    def print_job(job_id: str):
        return _done("cancel" if request.form.get("action") == "cancel" else "reprint", job_id[:36])
