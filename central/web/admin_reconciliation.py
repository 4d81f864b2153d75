"""Head office's reconciliation tasks: marked resolved with a note, or opened again (the dashboard's forms, CSRF
protected as every admin form); and the tasks of the dashboard's view (open or resolved) as CSV, for head office to
send on or keep, each said as the dashboard says it (admin.task_said) in the admin's language."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import Blueprint, flash, g, redirect, url_for
from flask_wtf import FlaskForm
from wtforms import StringField

from central.services import reconciliation_admin, reconciliation_resolve
from common.csv_export import csv_text
from common.errors import DomainError
from common.web.csv_download import csv_download

from .admin import _when, _word, ctx, dashboard_page, said, signed_in, task_said, task_status, tasks_view, tr

admin_reconciliation = Blueprint("admin_reconciliation", __name__, url_prefix="/admin")

COLUMNS = [("store", "text"), ("store_id", "text"), ("since", "text"), ("kind", "text"), ("what", "text")]
COLUMNS += [("times", "int"), ("status", "text"), ("resolved_by", "text"), ("resolved_at", "text"), ("note", "text")]
HEADERS = {"store": "dash.store", "store_id": "dash.store_code", "since": "recon.since", "kind": "recon.kind"}
HEADERS |= {"what": "recon.what", "times": "recon.times", "status": "recon.status"}
HEADERS |= {"resolved_by": "recon.resolved_by", "resolved_at": "recon.resolved_at", "note": "recon.note"}


class NoteForm(FlaskForm):
    """A task's resolve or reopen form: its CSRF token and the note (reconciliation_resolve.clean_note checks it, so
    the page and the service say the same thing about an empty or too long one)."""

    note = StringField("Catatan / Note")


@admin_reconciliation.get("/reconciliation.csv")
@signed_in
def as_csv():
    view = tasks_view()
    rows = [
        {
            "store": r["store_name"],
            "store_id": r["store_id"],
            "since": _when(r["raised_at"]),
            "kind": _word("recon", r["kind"]),
            "what": task_said(r) or r["message"],
            "times": r["occurrences"],
            "status": tr(f"recon.status.{r['status']}"),
            "resolved_by": r["resolved_by"] or "",
            "resolved_at": _when(r["resolved_at"]),
            # resolved: what was done; open again: why (reopened, or the resolution it happened again after)
            "note": r["note"] if r["status"] == "resolved" else (task_status(r) or ""),
        }
        for r in reconciliation_admin.listed(ctx(), view)
    ]
    body = csv_text(COLUMNS, rows, header=lambda key: tr(HEADERS[key]))
    return csv_download(body, "reconciliation-resolved.csv" if view == "resolved" else "reconciliation.csv")


@admin_reconciliation.post("/reconciliation/<task_id>/resolve")
@signed_in
def resolve(task_id: str):
    """Marks an open task done; the admin lands back on the open tasks."""
    return _act(task_id, reconciliation_resolve.resolve, "open", "flash.task_resolved")


@admin_reconciliation.post("/reconciliation/<task_id>/reopen")
@signed_in
def reopen(task_id: str):
    """Opens a resolved task again; the admin lands back on the resolved tasks."""
    return _act(task_id, reconciliation_resolve.reopen, "resolved", "flash.task_reopened")


def _act(task_id: str, change: Callable[..., dict[str, Any]], view: str, done_words: str) -> Any:
    """Check the form, make the change, say what it did; a refusal shows the dashboard again with its status, the
    note as typed kept in the task's form, and why in the admin's language."""
    form = NoteForm()
    typed = (form.note.data or "")[: reconciliation_resolve.NOTE_MAX * 2]  # shown back, not kept: bounded
    if not form.validate_on_submit():  # the CSRF token: missing, or its session is gone
        return _refused(view, task_id, typed, tr("flash.form_expired"), 400)
    try:
        done = change(ctx(), task_id, g.admin, form.note.data)
    except DomainError as e:
        return _refused(view, task_id, typed, _why(e, typed), e.status)
    flash(tr(done_words, kind=_word("recon", done["kind"]), store=done["store_name"]))
    return redirect(url_for("admin.dashboard", tasks="resolved" if view == "resolved" else None) + "#reconciliation")


def _refused(view: str, task_id: str, typed: str, why: str, status: int) -> tuple[str, int]:
    flash(why)
    return dashboard_page(view, typed={"id": task_id, "note": typed, "why": why}), status


def _why(e: DomainError, typed: str) -> str:
    """A refusal in the admin's words; who resolved it first, when and what they wrote (and the note not saved)."""
    if e.code == "task_already_resolved":
        by, note = e.detail["by"], e.detail["note"]
        return tr("err.task_already_resolved", who=by, when=_at(e.detail["at"]), note=note, yours=typed)
    if e.code == "task_open_again":
        return tr("err.task_open_again", since=_at(e.detail["since"]))
    return said(e)


def _at(value: object) -> str:
    """A time a refusal names, on head office's clock."""
    return _when(value if isinstance(value, datetime) else None)
