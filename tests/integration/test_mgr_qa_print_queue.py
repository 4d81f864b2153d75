"""The print queue the printer's badge sends a manager to ("cek antrean cetak"): failed receipts listed with what
went wrong, printed again or cancelled by the signed-in manager (audited as approved by them), copies of printed
ones; a till still needs a manager's code and PIN for the same acts."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from test_manager_pages import Browser
from test_mgr_qa_pages import mgr  # noqa: F401

from common.errors import DomainError
from pos.adapters.tables import AuditEntry, PrintJob
from pos.services import print_jobs
from pos.services.auth import Actor
from pos.services.context import StoreContext
from pos.services.printing import add_job


def failed_job(store: StoreContext, number: str) -> str:
    """A sale receipt the printer could not print (out of paper), as the print worker leaves it."""
    with store.db.unit_of_work() as s:
        job = add_job(s, store, "sale", "T1", {"number": number}, number=number)
        row = s.get(PrintJob, job.id)
        assert row is not None
        row.state, row.attempts, row.last_error = "failed", 3, "paper_out: the printer says it has no paper"
        return job.id


def state_of(store: StoreContext, job_id: str) -> str:
    with store.db.sessions() as s:
        return str(s.scalar(select(PrintJob.state).where(PrintJob.id == job_id)))


def test_the_badge_s_print_queue_lists_a_failed_receipt_and_the_manager_prints_it_again_or_cancels_it(
    mgr: Browser,  # noqa: F811
    store: StoreContext,
) -> None:
    first, second = failed_job(store, "TOKO-01-T1-000041"), failed_job(store, "TOKO-01-T1-000042")
    sync = mgr.get("/manager/sync").get_data(as_text=True)
    assert 'href="/manager/print-queue" id="print-queue-link">Antrean cetak' in sync
    page = mgr.get("/manager/print-queue").get_data(as_text=True)
    row = page[page.index(f'data-job="{first}"') :]
    row = row[: row.index("</tr>")]
    assert "Struk penjualan" in row and "TOKO-01-T1-000041" in row and "Gagal" in row and "kertas habis" in row
    assert "paper_out" not in page
    done = mgr.post(f"/manager/print-queue/{first}", {"action": "retry"})
    assert done.status_code == 302 and state_of(store, first) == "queued"
    assert "TOKO-01-T1-000041 dikirim ke printer." in mgr.get("/manager/print-queue").get_data(as_text=True)
    mgr.post(f"/manager/print-queue/{second}", {"action": "cancel"})
    assert state_of(store, second) == "cancelled"
    with store.db.sessions() as s:
        acts = {a.action: a.approved_by for a in s.scalars(select(AuditEntry).where(AuditEntry.action.like("print_%")))}
    manager_id = acts["print_retry"]
    assert manager_id and acts["print_cancel"] == manager_id  # the signed-in manager approved both
    assert "Print queue" in mgr.get("/manager/print-queue?lang=en").get_data(as_text=True)


def test_at_a_till_the_same_acts_still_need_a_manager_s_code_and_pin(store: StoreContext, manager: Actor) -> None:
    job_id = failed_job(store, "TOKO-01-T1-000043")
    at_till = Actor(manager.staff_id, manager.code, manager.name, manager.role, "T1")
    for act in (print_jobs.reprint, print_jobs.cancel):
        with pytest.raises(DomainError):
            act(store, at_till, job_id, print_jobs.ON_MANAGER_SCREENS)  # a till is no manager screen
    assert state_of(store, job_id) == "failed"
