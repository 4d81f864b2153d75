"""A kiosk cart sent to the till prints its ticket (issue 6 item 5) when a printer is configured: the big
short code and the same signed QR the kiosk screen shows, through the one print queue, never blocking the send."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fake_printer import CUT, FakePrinter, decode_qr, print_to, printer_switched_on  # noqa: F401 - `printer`
from servekit import wait_for
from sqlalchemy import select

from pos.adapters.config import PrinterTable
from pos.adapters.tables import KioskCart, PrintJob
from pos.services import kiosk_carts, printing
from pos.services.context import StoreContext
from pos.services.print_worker import PrintWorker, start_worker

AQUA = "SKU-00001"  # Rp 3.500 (demo data)
AQUA_600 = "SKU-00002"  # Rp 4.500
KICK = b"\x1bp"  # ESC p: the cash drawer pulse
RASTER = b"\x1dv0"  # GS v 0: a raster image (the QR)


def jobs(store: StoreContext) -> list[PrintJob]:
    with store.db.sessions() as s:
        return list(s.scalars(select(PrintJob).order_by(PrintJob.seq)))


@pytest.fixture
def heard(store: StoreContext) -> list[tuple[str, dict[str, Any]]]:
    got: list[tuple[str, dict[str, Any]]] = []
    store.notify = lambda topic, data: got.append((topic, dict(data)))
    return got


@pytest.fixture
def networked(store: StoreContext, printer: FakePrinter, heard: list[Any]) -> StoreContext:
    return print_to(store, printer.port)


@pytest.fixture
def worker(networked: StoreContext) -> Iterator[PrintWorker]:
    w = start_worker(networked)
    yield w
    w.stop()


def test_no_printer_configured_queues_no_ticket(store: StoreContext, heard: list[Any]) -> None:
    store.config.printer = PrinterTable(kind="none")
    ticket = kiosk_carts.send_to_till(store, [(AQUA, 2)])
    assert ticket["print_job_id"] is None
    assert jobs(store) == []
    assert [t for t, _ in heard] == ["kiosk_cart_ready"]


def test_a_sent_kiosk_cart_prints_its_code_and_the_signed_qr(worker: PrintWorker, printer: FakePrinter) -> None:
    store = worker.ctx
    ticket = kiosk_carts.send_to_till(store, [(AQUA, 2), (AQUA_600, 1)], device_id="KIOSK-1")
    [job] = jobs(store)
    assert (job.id, job.kind, job.number, job.ref_id, job.till_id) == (
        ticket["print_job_id"],
        "ticket",
        ticket["code"],
        ticket["id"],
        "KIOSK-1",
    )
    assert json.loads(job.payload)["total_text"] == "Rp 11.500"

    wait_for(lambda: jobs(store)[0].state == "printed", "the ticket prints")
    # The printer keeps a job's bytes once the worker closes the connection, a moment after marking it printed.
    wait_for(lambda: len(printer.printed()) == 1, "the printer has the ticket")
    [data] = printer.printed()
    assert ticket["code"].encode() in data and b"Rp 11.500" in data and b"Kiosk ticket" in data
    assert b"\x1d!\x11" in data or b"\x1b!\x30" in data  # the code in double width and height
    assert RASTER in data and data.endswith(CUT) and KICK not in data
    # The printed QR is the very payload the kiosk screen shows, and a till taking it finds this cart.
    assert decode_qr(data) == [ticket["qr_payload"]]
    assert kiosk_carts.verified_cart_id(store, decode_qr(data)[0]) == ticket["id"]


def test_the_send_stands_when_the_ticket_cannot_be_queued(
    networked: StoreContext, heard: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    real_add_job = printing.add_job

    def broken(*a: Any, **k: Any) -> None:
        real_add_job(*a, **k)  # the job row is written, then something breaks: the savepoint drops it
        raise RuntimeError("print queue broken")

    monkeypatch.setattr(printing, "add_job", broken)
    ticket = kiosk_carts.send_to_till(networked, [(AQUA, 1)])
    assert ticket["code"] == "K-1" and ticket["print_job_id"] is None
    assert jobs(networked) == []
    with networked.db.sessions() as s:
        assert s.get(KioskCart, ticket["id"]).state == "sent"
    assert [t for t, _ in heard] == ["kiosk_cart_ready"]
