"""The print queue against a real TCP printer on 127.0.0.1 that answers DLE EOT status queries.

The printer is switched off (port closed), runs out of paper, opens its cover, drops the connection;
the sale is never blocked, every receipt prints once and in order, and the tills are told what is wrong.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fake_printer import FakePrinter, print_to
from servekit import wait_for
from sqlalchemy import select

from common.errors import DomainError
from pos.adapters.config import PrinterTable
from pos.adapters.tables import PrintJob, Sale
from pos.services import checkout, receipts, till_sale
from pos.services.auth import Actor
from pos.services.context import StoreContext
from pos.services.print_worker import PrintWorker, start_worker

AQUA_330 = "8990000100010"  # Rp 3.500 (demo data, as in tests/conftest.py)
AQUA_600 = "8990000100027"  # Rp 4.500
KICK = b"\x1bp"  # ESC p: the cash drawer pulse


def sell(
    store: StoreContext, actor: Actor, items: tuple[tuple[str, int], ...] = ((AQUA_330, 2),), tender: str = "cash"
) -> dict[str, Any]:
    view, _ = till_sale.create_sale(store, actor)
    for barcode, qty in items:
        view = till_sale.add_line(store, actor, view["id"], barcode=barcode, qty=qty)
    ref = "CARD-00004242" if tender != "cash" else None
    till_sale.add_tender(store, actor, view["id"], tender, view["total"], ref)
    return checkout.complete(store, actor, view["id"])


def jobs(store: StoreContext) -> list[PrintJob]:
    with store.db.sessions() as s:
        return list(s.scalars(select(PrintJob).order_by(PrintJob.seq)))


def job(store: StoreContext, number: str) -> PrintJob:
    return next(j for j in jobs(store) if j.number == number)


def statuses(events: list[tuple[str, dict[str, Any]]], till: str = "T1") -> list[dict[str, Any]]:
    return [d for topic, d in list(events) if topic == "printer_status" and d["till_id"] == till]


@pytest.fixture
def printer() -> Iterator[FakePrinter]:
    """A printer on a reserved port, switched off until a test starts it."""
    p = FakePrinter()
    yield p
    p.stop()


@pytest.fixture
def events(store: StoreContext) -> list[tuple[str, dict[str, Any]]]:
    got: list[tuple[str, dict[str, Any]]] = []
    store.notify = lambda topic, data: got.append((topic, dict(data)))
    return got


@pytest.fixture
def networked(store: StoreContext, printer: FakePrinter) -> StoreContext:
    """The store prints to the fake printer."""
    return print_to(store, printer.port)


@pytest.fixture
def worker(networked: StoreContext, events: list[Any]) -> Iterator[PrintWorker]:
    w = start_worker(networked)
    yield w
    w.stop()


def test_a_receipt_job_commits_with_its_sale_and_not_without(networked: StoreContext, open_till: Actor) -> None:
    done = sell(networked, open_till)
    [queued] = jobs(networked)
    assert (queued.kind, queued.number, queued.ref_id, queued.state) == ("sale", done["number"], done["id"], "queued")
    with networked.db.sessions() as s:  # the receipt the worker will print, built from the stored sale
        assert receipts.job_receipt(s, networked, queued.number, json.loads(queued.payload)).total == 7000
    assert done["print_job_id"] == queued.id
    assert done["receipt_url"] == receipts.digital_url(networked, done["number"])
    view, _ = till_sale.create_sale(networked, open_till)
    till_sale.add_line(networked, open_till, view["id"], barcode=AQUA_330)
    with pytest.raises(DomainError) as refused:
        checkout.complete(networked, open_till, view["id"])  # unpaid: refused, rolled back
    assert refused.value.code == "underpaid"
    assert len(jobs(networked)) == 1


def test_printer_down_then_up_prints_the_queued_receipt_exactly_once(
    worker: PrintWorker, printer: FakePrinter, open_till: Actor, events: list[Any]
) -> None:
    store = worker.ctx
    first = sell(store, open_till)  # the printer is off: the sale completes all the same
    waiting = wait_for(
        lambda: (j := job(store, first["number"])).attempts >= 2 and j.state == "queued" and j,
        "a few attempts while the printer is off",
    )
    assert waiting.last_error.startswith("unreachable")
    wait_for(lambda: any(s["level"] == "error" for s in statuses(events)), "the tills are told")
    problem = next(s for s in statuses(events) if s["level"] == "error")
    assert problem["text"] == "Printer: tidak terhubung - 1 struk menunggu"
    assert problem["text_en"] == "Printer: not reachable - 1 receipt waiting" and problem["waiting"] == 1
    assert {d["till_id"] for t, d in events if t == "printer_status"} == {"T1", "T2"}

    printer.start()
    wait_for(lambda: job(store, first["number"]).state == "printed", "printed once the printer is back")
    second = sell(store, open_till)  # the queue is in order: once this prints, nothing of the first is left
    wait_for(lambda: job(store, second["number"]).state == "printed", "the next sale prints")
    assert printer.count(first["number"].encode()) == 1
    assert printer.count(second["number"].encode()) == 1
    assert len(printer.printed()) == 2
    assert statuses(events)[-1]["level"] == "ok" and statuses(events)[-1]["waiting"] == 0


@pytest.mark.parametrize(
    "state, code, text, text_en",
    [
        (
            "paper_out",
            "paper_out",
            "Printer: kertas habis - 2 struk menunggu",
            "Printer: out of paper - 2 receipts waiting",
        ),
        (
            "cover_open",
            "cover_open",
            "Printer: penutup terbuka - 2 struk menunggu",
            "Printer: cover open - 2 receipts waiting",
        ),
        ("offline", "offline", "Printer: offline - 2 struk menunggu", "Printer: offline - 2 receipts waiting"),
    ],
)
def test_nothing_is_sent_while_the_printer_reports_a_problem(
    worker: PrintWorker,
    printer: FakePrinter,
    open_till: Actor,
    events: list[Any],
    state: str,
    code: str,
    text: str,
    text_en: str,
) -> None:
    store = worker.ctx
    printer.status = state
    printer.start()
    first, second = sell(store, open_till), sell(store, open_till)
    wait_for(
        lambda: any(s["waiting"] == 2 and s["level"] == "error" for s in statuses(events)),
        "the tills hear about it with the count of waiting receipts",
    )
    wait_for(lambda: printer.queries >= 6, "the printer was asked more than once")
    status = next(s for s in statuses(events) if s["waiting"] == 2 and s["level"] == "error")
    assert (status["code"], status["text"], status["text_en"]) == (code, text, text_en)
    assert printer.printed() == []  # asked, but never sent a receipt byte
    head, behind = jobs(store)
    assert head.state in ("queued", "printing") and head.last_error.startswith(code)
    assert (behind.state, behind.attempts) == ("queued", 0)  # in order: it waits behind the first

    printer.status = "online"
    wait_for(lambda: all(j.state == "printed" for j in jobs(store)), "both print when the paper is back")
    printed = printer.printed()
    assert len(printed) == 2
    assert first["number"].encode() in printed[0] and second["number"].encode() in printed[1]
    wait_for(lambda: statuses(events)[-1]["level"] == "ok", "the badge clears")


def test_a_connection_dropped_mid_job_is_retried_and_the_job_marked(
    worker: PrintWorker, printer: FakePrinter, open_till: Actor
) -> None:
    store = worker.ctx
    printer.drop_after = 300  # the link goes after 300 bytes of the receipt
    printer.start()
    done = sell(store, open_till)
    wait_for(lambda: job(store, done["number"]).state == "printed", "printed on a later attempt")
    final = job(store, done["number"])
    assert final.attempts == 2
    assert final.last_error.startswith("connection_lost")
    assert final.printed_at is not None
    assert len(printer.partials) == 1
    # The printer keeps a job's bytes once the worker closes the connection, a moment after marking it printed.
    wait_for(lambda: len(printer.printed()) == 1, "the printer has the whole receipt")
    [whole] = printer.printed()
    assert done["number"].encode() in whole and whole.endswith(b"\x1dV\x00")


def test_the_drawer_kick_goes_with_cash_sales_only(worker: PrintWorker, printer: FakePrinter, open_till: Actor) -> None:
    store = worker.ctx
    printer.start()
    cash = sell(store, open_till, tender="cash")
    card = sell(store, open_till, tender="card")
    wait_for(lambda: len(printer.printed()) == 2, "both receipts printed")
    by_number = {n: next(p for p in printer.printed() if n.encode() in p) for n in (cash["number"], card["number"])}
    assert by_number[cash["number"]].count(KICK) == 1
    assert KICK not in by_number[card["number"]]
    assert b"Kartu *********4242" in by_number[card["number"]]  # the reference, masked


def test_every_waiting_receipt_prints_once_in_order(
    worker: PrintWorker, printer: FakePrinter, open_till: Actor
) -> None:
    store = worker.ctx
    numbers = [sell(store, open_till, ((AQUA_600, i + 1),))["number"] for i in range(5)]
    wait_for(lambda: jobs(store)[0].attempts >= 2, "the first tried while the printer is off")
    assert [j.attempts for j in jobs(store)][1:] == [0, 0, 0, 0]  # the rest wait their turn
    printer.start()
    wait_for(lambda: all(j.state == "printed" for j in jobs(store)), "all printed")
    printed = printer.printed()
    assert len(printed) == 5
    assert [next(n for n in numbers if n.encode() in p) for p in printed] == numbers
    assert all(printer.count(n.encode()) == 1 for n in numbers)


def test_a_sale_is_never_blocked_or_rolled_back_by_printing(
    networked: StoreContext, open_till: Actor, monkeypatch: pytest.MonkeyPatch, events: list[Any]
) -> None:
    def broken(*_a: Any, **_k: Any) -> Any:
        raise RuntimeError("receipt job bug")

    # The printer is off and no worker runs: completing still answers at once.
    first = sell(networked, open_till)
    # Even a failure while queuing the receipt leaves the sale committed.
    monkeypatch.setattr(receipts, "stored_job", broken)
    second = sell(networked, open_till)
    with networked.db.sessions() as s:
        states = {n: s.scalar(select(Sale.state).where(Sale.number == n)) for n in (first["number"], second["number"])}
    assert states == {first["number"]: "completed", second["number"]: "completed"}
    assert [j.number for j in jobs(networked)] == [first["number"]]
    assert any(t == "sale_completed" and d["number"] == second["number"] for t, d in events)


def test_a_device_error_of_any_kind_keeps_the_job_for_later(networked: StoreContext, open_till: Actor) -> None:
    def exploding(_cfg: PrinterTable) -> Any:
        raise ValueError("driver trouble")

    done = sell(networked, open_till)
    w = PrintWorker(networked, device_factory=exploding)
    assert w.run_once() == 0.0
    failed = job(networked, done["number"])
    assert (failed.state, failed.attempts) == ("queued", 1)
    assert failed.last_error == "error: ValueError: driver trouble"


def test_a_job_left_printing_by_a_stopped_server_prints_again(
    networked: StoreContext, printer: FakePrinter, open_till: Actor
) -> None:
    done = sell(networked, open_till)
    with networked.db.unit_of_work() as s:
        s.get(PrintJob, done["print_job_id"]).state = "printing"  # type: ignore[union-attr]
    printer.start()
    w = start_worker(networked)
    try:
        wait_for(lambda: job(networked, done["number"]).state == "printed", "printed after the restart")
    finally:
        w.stop()
    assert printer.count(done["number"].encode()) == 1


def test_a_refund_prints_as_a_refund_and_kicks_the_drawer_for_cash(
    worker: PrintWorker, printer: FakePrinter, open_till: Actor
) -> None:
    from pos.services import refunds

    store = worker.ctx
    printer.start()
    sold = sell(store, open_till, ((AQUA_330, 2), (AQUA_600, 1)))
    back = refunds.refund(
        store,
        open_till,
        sold["number"],
        [(sold["lines"][0]["id"], 1)],
        {"staff_code": "9001", "pin": "4321"},
        "cash",
        "Kemasan rusak",
    )
    wait_for(lambda: job(store, back["number"]).state == "printed", "the refund receipt printed")
    data = next(p for p in printer.printed() if back["number"].encode() in p)
    assert b"RETUR / REFUND" in data and sold["number"].encode() in data and b"Kemasan rusak" in data
    assert b"Rp 3.500" in data and data.count(KICK) == 1


def test_a_second_store_server_process_neither_prints_nor_requeues_the_first_ones_job(
    networked: StoreContext, printer: FakePrinter, open_till: Actor, caplog: pytest.LogCaptureFixture
) -> None:
    """Two store-server processes on one store database: one prints; the other waits for its lease."""
    from sqlalchemy import update

    printer.start()
    first, second = PrintWorker(networked), PrintWorker(networked)
    assert first.hold_printer() is True
    done = sell(networked, open_till)
    with networked.db.unit_of_work() as s:  # the first process is sending this receipt right now
        s.execute(update(PrintJob).values(state="printing"))
    assert second.hold_printer() is False
    assert job(networked, done["number"]).state == "printing", "not put back in the queue: it would print twice"
    assert "prints this store's receipts; this process" in caplog.text

    first.stop()  # the first process stops mid-job (it let go of the printer)
    assert second.hold_printer() is True
    assert job(networked, done["number"]).state == "queued", "the interrupted job is printed again, once"
    second.start()
    try:
        wait_for(lambda: job(networked, done["number"]).state == "printed", "the second process prints it")
        assert printer.count(done["number"].encode()) == 1
    finally:
        second.stop()


def test_a_killed_processs_printer_lease_runs_out(networked: StoreContext) -> None:
    from datetime import timedelta

    killed, next_one = PrintWorker(networked, lease_ttl=15), PrintWorker(networked, lease_ttl=15)
    assert killed.hold_printer() is True  # ... and the process dies without letting go
    assert next_one.hold_printer() is False
    now = networked.clock()
    networked.clock = lambda: now + timedelta(seconds=16)
    assert next_one.hold_printer() is True
    assert killed.hold_printer() is False, "a process that comes back finds the printer taken"


def test_the_manager_sees_the_printer_as_the_till_does(
    worker: PrintWorker, printer: FakePrinter, open_till: Actor
) -> None:
    from test_manager_pages import Browser

    from pos.web.app import create_app

    store = worker.ctx
    first = sell(store, open_till)  # the printer is off
    wait_for(lambda: job(store, first["number"]).attempts >= 1, "the worker has tried it")
    mgr = Browser(create_app(store.config, store.db))
    assert mgr.sign_in().status_code == 302
    tile = lambda path: re.search(r'id="printer-state">(.*?)</div>', mgr.get(path).get_data(as_text=True)).group(1)  # noqa: E731
    assert tile("/manager/sync") == (
        "<span>Printer struk</span><b>Printer: tidak terhubung - 1 struk menunggu</b><small>1 struk menunggu</small>"
        '<a href="/manager/print-queue" id="print-queue-link">Antrean cetak →</a>'  # where the waiting receipt is
    )
    assert "<b>Printer: not reachable - 1 receipt waiting</b><small>1 receipt waiting</small>" in tile(
        "/manager/sync?lang=en"
    )
    printer.start()
    wait_for(lambda: job(store, first["number"]).state == "printed", "printed once the printer is back")
    assert "<b>Printer: ready</b><small>0 receipts waiting</small>" in tile("/manager/sync")
