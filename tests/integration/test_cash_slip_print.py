"""Cash out of the drawer at a store with a receipt printer: the printer gets a slip with the drawer's kick first
(what, how much, who asked and who approved), once; a copy of it is refused, since it would kick the drawer again."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fake_printer import FakePrinter, print_to, printer_switched_on  # noqa: F401 - the `printer` fixture
from servekit import wait_for
from sqlalchemy import select

from common.errors import Conflict
from pos.adapters.tables import PrintJob
from pos.services import cash_moves, print_jobs
from pos.services.auth import Actor
from pos.services.context import StoreContext
from pos.services.print_worker import PrintWorker, start_worker

KICK = b"\x1bp"  # ESC p: the cash drawer pulse
MANAGER = {"staff_code": "9001", "pin": "4321"}


@pytest.fixture
def worker(store: StoreContext, printer: FakePrinter) -> Iterator[PrintWorker]:
    w = start_worker(print_to(store, printer.port))
    yield w
    w.stop()


def test_a_drop_prints_a_slip_that_kicks_the_drawer_once_and_is_never_copied(
    worker: PrintWorker, printer: FakePrinter, open_till: Actor
) -> None:
    store = worker.ctx
    done = cash_moves.record(
        store, open_till, reason="store_expense", amount=150_000, note="kurir galon", approval=MANAGER
    )
    assert done["drawer_opened"] is True
    wait_for(lambda: len(printer.printed()) == 1, "the slip printed")
    [slip] = printer.printed()
    assert slip.count(KICK) == 1 and slip.index(KICK) < slip.index(b"KAS KELUAR")
    for words in (b"Biaya toko", b"kurir galon", b"Rp 150.000", b"Siti Rahayu", b"Dewi Lestari", b"Tanda tangan"):
        assert words in slip, words
    with store.db.sessions() as s:
        job = s.scalar(select(PrintJob).where(PrintJob.ref_id == done["id"]))
    assert job is not None and job.kind == "cash"
    wait_for(lambda: print_jobs.list_jobs(store, open_till, "printed"), "the slip's job printed")
    with pytest.raises(Conflict) as err:
        print_jobs.reprint(store, open_till, job.id, MANAGER)
    assert err.value.code == "cash_slip_copy"
    # A pay-in prints its slip too, with no manager on it.
    cash_moves.record(store, open_till, reason="more_change", amount=20_000)
    wait_for(lambda: len(printer.printed()) == 2, "the pay-in's slip printed")
    assert b"KAS MASUK" in printer.printed()[1] and b"Dewi Lestari" not in printer.printed()[1]
