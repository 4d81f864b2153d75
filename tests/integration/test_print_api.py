"""Receipts over HTTP: the QR code on paper opens the digital receipt, the till's receipt page, the manager's
print-queue endpoints (list, reprint, cancel), open drawer, and the live printer status over Socket.IO."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from fake_printer import FakePrinter, decode_qr, printer_config
from servekit import wait_for
from sqlalchemy import select

from pos import bootstrap
from pos.adapters.config import PrinterTable
from pos.adapters.tables import AuditEntry, PrintJob
from pos.services import receipts
from pos.services.context import StoreContext
from pos.services.print_worker import PrintWorker, start_worker

V1 = "/api/v1"
AQUA_330 = "8990000100010"  # Rp 3.500 (demo data)
MANAGER = {"staff_code": "9001", "pin": "4321"}
KICK = b"\x1bp\x00"


def ok(resp: Any, status: int = 200) -> Any:
    assert resp.status_code == status, resp.get_data(as_text=True)
    return resp.get_json()


def error_code(resp: Any, status: int) -> str:
    assert resp.status_code == status, resp.get_data(as_text=True)
    return resp.get_json()["error"]["code"]


def sell(api: Any, tender: str = "cash", qty: int = 2) -> dict[str, Any]:
    sale = ok(api.post(f"{V1}/sales"), 201)
    sale = ok(api.post(f"{V1}/sales/{sale['id']}/lines", {"barcode": AQUA_330, "qty": qty}), 201)
    body = {"type": tender, "amount": sale["total"], **({"reference": "4111111111114242"} if tender != "cash" else {})}
    ok(api.post(f"{V1}/sales/{sale['id']}/tenders", body), 201)
    return ok(api.post(f"{V1}/sales/{sale['id']}/complete"))


def app_ctx(api: Any) -> StoreContext:
    return api.app.extensions["omnitoko"]


def jobs(ctx: StoreContext) -> list[PrintJob]:
    with ctx.db.sessions() as s:
        return list(s.scalars(select(PrintJob).order_by(PrintJob.seq)))


def audits(ctx: StoreContext, action: str) -> list[AuditEntry]:
    with ctx.db.sessions() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == action)))


@pytest.fixture
def printer() -> Iterator[FakePrinter]:
    p = FakePrinter()
    yield p
    p.stop()


@pytest.fixture
def shop(store: StoreContext, printer: FakePrinter, till_api: Any) -> Any:
    """The store app printing to the fake printer (switched off until a test starts it)."""
    store.config.printer = printer_config(printer.port)
    return till_api


@pytest.fixture
def worker(shop: Any) -> Iterator[PrintWorker]:
    w = start_worker(app_ctx(shop))
    yield w
    w.stop()


def test_the_qr_on_the_printed_receipt_opens_the_digital_receipt(
    shop: Any, worker: PrintWorker, printer: FakePrinter
) -> None:
    printer.start()
    done = sell(shop)
    wait_for(lambda: printer.count(done["number"].encode()) == 1, "the receipt printed")
    [url] = decode_qr(printer.printed()[0])
    assert url == done["receipt_url"] == receipts.digital_url(app_ctx(shop), done["number"])
    path = urlsplit(url).path
    assert path.startswith(f"/r/{done['number']}/")

    page = shop.client.get(path)  # a shopper at home: no sign-in
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert done["number"] in html and "Rp 7.000" in html and "Siti Rahayu" in html

    sig = path.rsplit("/", 1)[1]
    tampered = sig[:-1] + ("A" if sig[-1] != "A" else "B")
    assert shop.client.get(f"/r/{done['number']}/{tampered}").status_code == 404
    assert shop.client.get(f"/r/TOKO-01-T1-000999/{sig}").status_code == 404  # the same signature, another number
    assert shop.client.get(f"/r/{done['number']}/").status_code == 404


def test_another_shops_signature_never_opens_this_shops_receipt(shop: Any) -> None:
    done = sell(shop)
    ctx = app_ctx(shop)
    other = bootstrap.store_context(ctx.config.model_copy(deep=True), ctx.db)
    other.config.store.id = "TOKO-02"
    foreign = receipts.digital_path(other, done["number"])
    assert foreign != receipts.digital_path(ctx, done["number"])
    assert shop.client.get(foreign).status_code == 404


def test_the_tills_receipt_page_needs_its_signed_link_and_404s_otherwise(shop: Any) -> None:
    done = sell(shop)
    assert done["receipt_page"].startswith(f"/receipts/{done['number']}/")
    html = shop.client.get(done["receipt_page"]).get_data(as_text=True)
    assert 'id="receipt"' in html and 'data-kind="sale"' in html and "<svg" in html  # the QR for the shopper
    assert "DPP PPN 11%" in html and "Kembali" in html
    refund = ok(
        shop.post(
            f"{V1}/refunds",
            {
                "sale_number": done["number"],
                "approval": MANAGER,
                "lines": [{"line_id": done["lines"][0]["id"], "qty": 1}],
            },
        ),
        201,
    )
    refund_html = shop.client.get(refund["receipt_page"]).get_data(as_text=True)
    assert "RETUR / REFUND" in refund_html and done["number"] in refund_html and "Rp 3.500" in refund_html
    # Counting receipt numbers up on the store network opens nothing: no link without its signature.
    assert shop.client.get(f"/receipts/{done['number']}").status_code == 404
    assert shop.client.get(f"/receipts/{refund['number']}/{done['receipt_page'].rsplit('/', 1)[1]}").status_code == 404
    shopper_sig = done["receipt_url"].rsplit("/", 1)[1]
    assert shop.client.get(f"/receipts/{done['number']}/{shopper_sig}").status_code == 404, "not the QR's signature"
    assert shop.client.get("/receipts/TOKO-01-T1-424242/abc").status_code == 404
    assert shop.client.get("/receipts/%3Cscript%3E/x").status_code == 404
    english = shop.client.get(f"{done['receipt_page']}?lang=en").get_data(as_text=True)
    assert "Change" in english


def test_a_manager_reprints_a_printed_receipt_as_a_copy_without_opening_the_drawer(
    shop: Any, worker: PrintWorker, printer: FakePrinter
) -> None:
    printer.start()
    done = sell(shop)
    wait_for(lambda: jobs(app_ctx(shop))[0].state == "printed", "the sale printed")
    job_id = done["print_job_id"]
    assert error_code(shop.post(f"{V1}/print-jobs/{job_id}/reprint", {}), 403) == "approval_required"
    cashier = {"staff_code": "1001", "pin": "1234"}
    assert error_code(shop.post(f"{V1}/print-jobs/{job_id}/reprint", {"approval": cashier}), 403) == "not_a_manager"
    copy = ok(shop.post(f"{V1}/print-jobs/{job_id}/reprint", {"approval": MANAGER, "reason": "pelanggan minta"}), 202)
    assert (copy["kind"], copy["number"], copy["state"]) == ("reprint", done["number"], "queued")
    wait_for(lambda: len(printer.printed()) == 2, "the copy printed")
    original, reprint = printer.printed()
    assert b"SALINAN / COPY" in reprint and b"SALINAN / COPY" not in original
    assert original.count(KICK) == 1 and KICK not in reprint
    [entry] = audits(app_ctx(shop), "print_reprint")
    assert json.loads(entry.detail)["reason"] == "pelanggan minta" and entry.approved_by

    by_number = ok(shop.post(f"{V1}/receipts/{done['number']}/reprint", {"approval": MANAGER}), 202)
    assert by_number["kind"] == "reprint"
    wait_for(lambda: len(printer.printed()) == 3, "a copy by receipt number printed")
    assert (
        error_code(shop.post(f"{V1}/receipts/TOKO-01-T1-999999/reprint", {"approval": MANAGER}), 404)
        == "unknown_receipt"
    )


def test_a_manager_cancels_a_stuck_job_and_it_never_prints(
    shop: Any, worker: PrintWorker, store: StoreContext, printer: FakePrinter
) -> None:
    # After its first failure the job sits waiting an hour (retry_max too: the test printer's 0.25 s would cap it,
    # and a retry every 0.25 s could be mid-print when the manager cancels, or come before the test saw the first).
    store.config.printer.retry_initial = store.config.printer.retry_max = 3600.0
    stuck = sell(shop)
    wait_for(
        lambda: [j for j in jobs(app_ctx(shop)) if j.attempts == 1 and j.state == "queued"],
        "tried once while the printer is off",
    )
    listed = ok(shop.get(f"{V1}/print-jobs?state=queued"))["items"]
    assert [j["number"] for j in listed] == [stuck["number"]] and listed[0]["last_error"].startswith("unreachable")
    gone = ok(
        shop.post(
            f"{V1}/print-jobs/{stuck['print_job_id']}/cancel", {"approval": MANAGER, "reason": "pelanggan sudah pergi"}
        )
    )
    assert gone["state"] == "cancelled"
    assert (
        error_code(shop.post(f"{V1}/print-jobs/{stuck['print_job_id']}/cancel", {"approval": MANAGER}), 409)
        == "job_cancelled"
    )
    printer.start()
    after = sell(shop)
    wait_for(lambda: printer.count(after["number"].encode()) == 1, "the next receipt prints")
    assert printer.count(stuck["number"].encode()) == 0
    assert [a.ref_id for a in audits(app_ctx(shop), "print_cancel")] == [stuck["print_job_id"]]
    assert ok(shop.get(f"{V1}/sales/{stuck['number']}"))["state"] == "completed"  # the sale stands


def test_reprint_of_a_waiting_job_tries_again_now(shop: Any, store: StoreContext, printer: FakePrinter) -> None:
    # After one failure the job waits an hour. Both bounds: the test printer's retry_max (0.25 s) would otherwise cap
    # the wait, and the worker's own retry would race the reprint (printing it first, so the reprint made a copy, or
    # being mid-print so it was refused) or a second failure would come before the test saw the first.
    store.config.printer.retry_initial = store.config.printer.retry_max = 3600.0
    w = start_worker(app_ctx(shop))
    try:
        done = sell(shop)
        [waiting] = wait_for(
            lambda: [j for j in jobs(app_ctx(shop)) if j.attempts == 1 and j.state == "queued"], "one failed attempt"
        )
        hour_away = app_ctx(shop).clock() + timedelta(minutes=30)
        assert waiting.next_attempt_at > hour_away  # nothing but the reprint will print it
        printer.start()
        again = ok(shop.post(f"{V1}/print-jobs/{done['print_job_id']}/reprint", {"approval": MANAGER}), 202)
        assert again["id"] == done["print_job_id"]  # the same job, not a copy
        wait_for(lambda: jobs(app_ctx(shop))[0].state == "printed", "printed at once")
    finally:
        w.stop()
    assert [(j.id, j.attempts) for j in jobs(app_ctx(shop))] == [(done["print_job_id"], 2)]  # failed once, then printed
    assert printer.count(done["number"].encode()) == 1 and b"SALINAN" not in printer.printed()[0]


def test_open_drawer_needs_a_manager_and_a_reason_and_is_audited(
    shop: Any, worker: PrintWorker, printer: FakePrinter
) -> None:
    printer.start()
    assert error_code(shop.post(f"{V1}/drawer/open", {"reason": "tukar uang"}), 403) == "approval_required"
    assert error_code(shop.post(f"{V1}/drawer/open", {"approval": MANAGER}), 400) == "invalid_request"
    assert error_code(shop.post(f"{V1}/drawer/open", {"approval": MANAGER, "reason": "  "}), 422) == "reason_required"
    wrong = {"staff_code": "9001", "pin": "0000"}
    assert error_code(shop.post(f"{V1}/drawer/open", {"approval": wrong, "reason": "x"}), 401) == "bad_credentials"
    assert jobs(app_ctx(shop)) == [] and audits(app_ctx(shop), "drawer_open") == []

    kick = ok(shop.post(f"{V1}/drawer/open", {"approval": MANAGER, "reason": "tukar uang kecil"}), 202)
    assert kick["kind"] == "drawer"
    wait_for(lambda: len(printer.printed()) == 1, "the kick reached the printer")
    [sent] = printer.printed()
    assert sent.count(KICK) == 1 and b"\x1dV" not in sent  # a pulse, no paper
    [entry] = audits(app_ctx(shop), "drawer_open")
    assert json.loads(entry.detail) == {"reason": "tukar uang kecil"} and entry.till_id == "T1"
    assert error_code(shop.post(f"{V1}/print-jobs/{kick['id']}/reprint", {"approval": MANAGER}), 409) == "not_a_receipt"


def test_the_print_queue_endpoints_refuse_bad_input_with_4xx(shop: Any) -> None:
    assert error_code(shop.get(f"{V1}/print-jobs?state=lost"), 400) == "invalid_request"
    assert error_code(shop.get(f"{V1}/print-jobs?limit=0"), 400) == "invalid_request"
    assert error_code(shop.post(f"{V1}/print-jobs/nope/reprint", {"approval": MANAGER}), 404) == "unknown_print_job"
    assert error_code(shop.post(f"{V1}/print-jobs/nope/cancel", {"approval": MANAGER}), 404) == "unknown_print_job"
    assert (
        error_code(shop.post(f"{V1}/drawer/open", {"approval": MANAGER, "reason": "x", "extra": 1}), 400)
        == "invalid_request"
    )
    assert error_code(shop.get(f"{V1}/print-jobs", token="not-a-token"), 401) == "unauthenticated"
    assert error_code(shop.get(f"{V1}/printer", token="not-a-token"), 401) == "unauthenticated"


def test_no_printer_configured_means_no_jobs_and_a_clear_refusal(shop: Any, store: StoreContext) -> None:
    store.config.printer = PrinterTable(kind="none")
    done = sell(shop)
    assert jobs(app_ctx(shop)) == [] and done["receipt_url"]
    assert error_code(shop.post(f"{V1}/drawer/open", {"approval": MANAGER, "reason": "x"}), 409) == "no_printer"
    assert ok(shop.get(f"{V1}/printer"))["level"] == "ok"


def test_the_tills_hear_the_printer_status_live_over_socketio(
    shop: Any, worker: PrintWorker, printer: FakePrinter
) -> None:
    from pos.web.app import socketio_of

    till = socketio_of(shop.app).test_client(shop.app, flask_test_client=shop.client)
    assert till.emit("join", {"till": "T1"}, callback=True)["ok"]
    printer.status = "paper_out"
    printer.start()
    sell(shop)
    sell(shop)

    def heard() -> list[dict[str, Any]]:
        got = [e for e in till.get_received() if e["name"] == "printer_status"]
        heard.events += [e["args"][0] for e in got]  # type: ignore[attr-defined]
        return heard.events  # type: ignore[attr-defined]

    heard.events = []  # type: ignore[attr-defined]

    wait_for(
        lambda: any(e["text_en"] == "Printer: out of paper - 2 receipts waiting" for e in heard()),
        "the badge text reaches the till",
    )
    problem = next(e for e in heard.events if e["waiting"] == 2)  # type: ignore[attr-defined]
    assert problem == {
        "till_id": "T1",
        "level": "error",
        "text": "Printer: kertas habis - 2 struk menunggu",
        "text_en": "Printer: out of paper - 2 receipts waiting",
        "texts": {"id": "Printer: kertas habis - 2 struk menunggu", "en": "Printer: out of paper - 2 receipts waiting"},
        "waiting": 2,
        "code": "paper_out",
    }
    assert ok(shop.get(f"{V1}/printer"))["text"] == "Printer: kertas habis - 2 struk menunggu"
    printer.status = "online"
    wait_for(
        lambda: heard() and heard.events[-1]["level"] == "ok" and heard.events[-1]["waiting"] == 0,
        "the badge clears once both receipts are out",
    )
    assert heard.events[-1]["text"] == "Printer: siap"  # type: ignore[attr-defined]
    till.disconnect()
