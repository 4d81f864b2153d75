"""A sale's receipt job names the sale; the print worker builds the receipt when it prints, from the sale as stored
and the member's points as they stood at the sale (issue 18: the sale's transaction, which holds the store's write
lock, no longer builds it). What the shopper gets on paper is what the till showed at the sale."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from fake_printer import FakePrinter, print_to, printer_switched_on  # noqa: F401 - the `printer` fixture
from servekit import wait_for
from sqlalchemy import select

from pos import bootstrap
from pos.adapters.tables import PrintJob, SaleMember
from pos.domain import receipt as receipt_model
from pos.services import checkout, loyalty, receipts, refunds, sales, till_sale
from pos.services.auth import Actor
from pos.services.context import StoreContext
from pos.services.print_worker import start_worker
from pos.services.printing import add_job

AQUA_330 = "8990000100010"  # Rp 3.500 (demo data, as in tests/conftest.py)
AQUA_600 = "8990000100027"  # Rp 4.500
MANAGER = {"staff_code": "9001", "pin": "4321"}


@pytest.fixture
def shop(store: StoreContext, printer: FakePrinter) -> StoreContext:
    """Points booked on sales and receipts queued for the fake printer (the worker not started yet)."""
    return bootstrap.enable(print_to(store, printer.port), "points")


def job_of(store: StoreContext, number: str) -> PrintJob:
    with store.db.sessions() as s:
        return s.scalars(select(PrintJob).where(PrintJob.number == number).order_by(PrintJob.seq)).first()


def printed(store: StoreContext, job: PrintJob) -> receipt_model.Receipt:
    """The receipt the worker prints for `job`."""
    with store.db.sessions() as s:
        return receipts.job_receipt(s, store, job.number, json.loads(job.payload))


def member_sale(store: StoreContext, actor: Actor) -> dict[str, Any]:
    """A member's sale of two lines, one discounted, paid by card and cash: Rp 35.000 + Rp 9.000 - Rp 500."""
    view, _ = till_sale.create_sale(store, actor)
    view = till_sale.add_line(store, actor, view["id"], barcode=AQUA_330, qty=10)
    view = till_sale.add_line(store, actor, view["id"], barcode=AQUA_600, qty=2)
    sales.apply_discount(store, actor, view["id"], "amount", 500, line_id=view["lines"][1]["id"])
    with store.db.unit_of_work() as s:
        member = {"id": "m-1", "number": "M0001", "name": "Budi Santoso", "phone": "0812", "balance": 40}
        loyalty.save_member(s, {**member, "version": 1, "card": "CARD-M0001"}, store.clock())
        s.add(SaleMember(sale_id=view["id"], member_id="m-1", via="qr", attached_at=store.clock()))
    till_sale.add_tender(store, actor, view["id"], "card", 20_000, "CARD-00004242")
    till_sale.add_tender(store, actor, view["id"], "cash", 30_000, None)
    return checkout.complete(store, actor, view["id"])


def test_a_member_sale_and_its_refund_print_what_the_till_showed(
    shop: StoreContext, printer: FakePrinter, open_till: Actor
) -> None:
    done = member_sale(shop, open_till)
    assert (done["total"], done["change"], done["loyalty"]["earned"], done["loyalty"]["balance"]) == (
        43_500,
        6_500,
        4,
        44,
    )
    sold = job_of(shop, done["number"])
    assert sold.id == done["print_job_id"] and sold.state == "queued"  # committed with the sale
    # The receipt as the sale's own transaction used to build it, from the completion's view.
    assert printed(shop, sold) == receipts.sale_receipt(shop, done, open_till.name)
    back = refunds.refund(shop, open_till, done["number"], [(done["lines"][0]["id"], 4)], MANAGER, "cash", "rusak")
    assert back["loyalty"]["balance"] is not None
    assert printed(shop, job_of(shop, back["number"])) == receipts.refund_receipt(shop, back, open_till.name)

    worker = start_worker(shop)
    try:
        wait_for(lambda: job_of(shop, back["number"]).state == "printed", "both receipts printed")
    finally:
        worker.stop()
    paper = b"".join(printer.printed())
    assert done["number"].encode() in paper and back["number"].encode() in paper
    assert b"M0001" in paper and re.search(rb"Saldo poin +44\b", paper)  # the member's balance after the sale
    assert b"Rp 43.500" in paper and b"4242" in paper  # the total, the card's last digits


def test_a_job_queued_with_its_receipt_inside_still_prints(
    shop: StoreContext, printer: FakePrinter, open_till: Actor
) -> None:
    """A store upgraded with receipts still waiting (the printer was off): their jobs hold the whole receipt."""
    done = member_sale(shop, open_till)
    old = receipts.get_receipt(shop, done["number"])
    with shop.db.unit_of_work() as s:
        add_job(s, shop, "sale", "T1", receipt_model.to_dict(old), ref_id=done["id"], number="OLD-1")
    worker = start_worker(shop)
    try:
        wait_for(lambda: job_of(shop, "OLD-1").state == "printed", "the old job printed")
    finally:
        worker.stop()
    assert json.loads(job_of(shop, "OLD-1").payload)["number"] == done["number"]  # the whole receipt, as then
    assert sum(p.count(done["number"].encode()) for p in printer.printed()) == 2  # the new job and the old one


def test_a_job_whose_sale_is_not_stored_fails_alone_and_the_queue_goes_on(
    shop: StoreContext, printer: FakePrinter, open_till: Actor
) -> None:
    """A job naming no stored sale (a restore to an earlier backup, a hand-made row) cannot be built: it fails with
    its reason for the manager and the receipts behind it print."""
    with shop.db.unit_of_work() as s:
        add_job(s, shop, "sale", "T1", receipts.stored_job({}), ref_id="gone", number="TOKO-01-T1-999999")
    done = member_sale(shop, open_till)
    worker = start_worker(shop)
    try:
        wait_for(lambda: job_of(shop, done["number"]).state == "printed", "the real sale's receipt printed")
    finally:
        worker.stop()
    lost = job_of(shop, "TOKO-01-T1-999999")
    assert lost.state == "failed" and "not found" in (lost.last_error or "")
    assert not any(b"999999" in p for p in printer.printed())


def test_the_digital_receipt_and_the_till_s_page_show_the_balance_the_paper_printed_and_say_scan_once(
    config: Any, store: StoreContext, open_till: Actor
) -> None:
    """The shopper's digital receipt (behind the QR) shows the "Saldo poin" printed on paper, not none, and not
    today's balance after a later refund; it does not ask to scan for the page it is. The till's page says
    "scan for the digital receipt" once, under its QR."""
    from urllib.parse import urlsplit

    from pos.web.app import create_app

    app = create_app(config, store.db)
    ctx: StoreContext = app.extensions["omnitoko"]
    done = member_sale(ctx, open_till)
    assert done["loyalty"]["balance"] == 44
    back = refunds.refund(ctx, open_till, done["number"], [(done["lines"][0]["id"], 4)], MANAGER, "cash", "rusak")
    assert back["loyalty"]["balance"] < 44  # the refund took points back since

    page = app.test_client().get(urlsplit(receipts.digital_url(ctx, done["number"])).path)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and re.search(r"<b>Saldo poin +44</b>", html), html
    assert "Pindai untuk struk digital" not in html
    till_page = app.test_client().get(receipts.till_path(ctx, done["number"])).get_data(as_text=True)
    assert till_page.count("Pindai untuk struk digital") == 1 and re.search(r"<b>Saldo poin +44</b>", till_page)
