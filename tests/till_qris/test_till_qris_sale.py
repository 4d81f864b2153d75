"""A till sale paid by dynamic QRIS through the stand-in gateway, end to end: the store server asks central, central
asks the gateway, the shopper pays, the gateway's signed notification and a status check confirm it, the till
takes the tender and the sale reaches central with it. Also expired and cancelled charges, and the offline fallback."""

from __future__ import annotations

from datetime import timedelta

import pytest
from paykit import standin  # noqa: F401
from qriskit import AQUA_330, AQUA_600, charge_at_central, connected, pay_at_gateway, ring
from sqlalchemy import select
from synckit import agents, central, pg_url, sync_until_clean  # noqa: F401

from central.services import till_qris as central_qris
from central.tables import DeadLetter, Sale, Tender
from common import qris
from common.errors import DomainError
from pos.adapters.tables import TenderRow
from pos.services import checkout, reports, till_qris, till_sale

DEAD = "http://127.0.0.1:9"  # nothing listens there: central is out of reach


@pytest.fixture
def shop(store, central, standin):  # type: ignore[no-untyped-def]
    return connected(store, central)


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
def test_a_sale_paid_by_dynamic_qris_is_taken_once_the_gateway_confirms_it_and_central_accepts_the_sale(
    shop, open_till, central, standin, agents
):
    sale = ring(shop, open_till, [(AQUA_330, 2), (AQUA_600, 1)])
    charge = till_qris.start(shop, open_till, sale["id"], sale["remaining"])
    assert charge["status"] == "pending" and charge["amount"] == 11_500
    fields = qris.parse(charge["qr_string"])
    assert fields["54"] == "11500" and fields["01"] == qris.DYNAMIC
    assert charge["qr_image"].startswith("data:image/svg+xml;base64,")
    assert till_qris.poll(shop, open_till, charge["charge_id"])["paid"] is False  # not paid yet: nothing taken

    again = till_qris.start(shop, open_till, sale["id"], sale["remaining"])  # Q pressed again: the same charge
    assert again["charge_id"] == charge["charge_id"] and again["qr_string"] == charge["qr_string"]

    pay_at_gateway(standin, charge)
    assert charge_at_central(central, charge["charge_id"]).status == "settlement"  # from the signed notification
    paid = till_qris.poll(shop, open_till, charge["charge_id"])
    assert paid["paid"] is True and paid["sale"]["remaining"] == 0
    assert [(t["type"], t["amount"]) for t in paid["sale"]["tenders"]] == [("qris_dynamic", 11_500)]
    till_qris.poll(shop, open_till, charge["charge_id"])  # polled again: still one tender
    done = checkout.complete(shop, open_till, sale["id"])
    assert done["state"] == "completed" and done["tenders"][0]["type"] == "qris_dynamic"

    sync_until_clean(agents())
    assert central.count(DeadLetter) == 0
    assert central.count(Sale, Sale.id == sale["id"]) == 1
    assert central.count(Tender, Tender.sale_id == sale["id"], Tender.type == "qris_dynamic") == 1


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
def test_an_expired_charge_frees_the_tender_and_a_new_one_can_be_paid(shop, open_till, central, standin):
    sale = ring(shop, open_till, [(AQUA_330, 1)])
    first = till_qris.start(shop, open_till, sale["id"], 3_500)
    central.ctx.clock = (lambda now: lambda: now)(central.ctx.clock() + timedelta(minutes=6))
    standin.ledger.clock = central.ctx.clock
    lapsed = till_qris.poll(shop, open_till, first["charge_id"])
    assert lapsed["status"] == "expire" and lapsed["open"] is False and lapsed["qr_image"] is None
    assert lapsed["sale"]["remaining"] == 3_500 and lapsed["sale"]["tenders"] == []
    second = till_qris.start(shop, open_till, sale["id"], 3_500)
    assert second["charge_id"] != first["charge_id"] and second["status"] == "pending"
    pay_at_gateway(standin, second)
    assert till_qris.poll(shop, open_till, second["charge_id"])["sale"]["remaining"] == 0


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
def test_a_cancelled_charge_cannot_be_paid_and_the_cashier_takes_cash_instead(shop, open_till, central, standin):
    sale = ring(shop, open_till, [(AQUA_600, 2)])
    charge = till_qris.start(shop, open_till, sale["id"], 9_000)
    gone = till_qris.cancel(shop, open_till, charge["charge_id"])
    assert gone["status"] == "cancel" and gone["open"] is False
    assert charge_at_central(central, charge["charge_id"]).status == "cancel"
    with pytest.raises(DomainError):
        pay_at_gateway(standin, charge)  # the shopper scans too late: the gateway refuses
    view = till_sale.add_tender(shop, open_till, sale["id"], "cash", 10_000)
    assert checkout.complete(shop, open_till, view["id"])["change"] == 1_000


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
def test_a_charge_paid_just_before_the_cashier_cancels_is_taken_not_cancelled(shop, open_till, central, standin):
    sale = ring(shop, open_till, [(AQUA_330, 1)])
    charge = till_qris.start(shop, open_till, sale["id"], 3_500)
    pay_at_gateway(standin, charge)
    view = till_qris.cancel(shop, open_till, charge["charge_id"])
    assert view["paid"] is True and view["sale"]["remaining"] == 0


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
def test_offline_the_cashier_takes_the_static_qris_with_its_reference_and_the_manager_report_lists_it(
    shop, open_till, central, standin
):
    shop.config.sync.central_url = DEAD
    sale = ring(shop, open_till, [(AQUA_330, 1)])
    with pytest.raises(DomainError) as e:
        till_qris.start(shop, open_till, sale["id"], 3_500)
    assert (e.value.code, e.value.status) == ("qris_offline", 503)
    view = till_sale.add_tender(shop, open_till, sale["id"], "qris", 3_500, "REF-88120")
    done = checkout.complete(shop, open_till, view["id"])
    listed = reports.sales_report(shop)["tables"]["qris_reconcile"]
    assert [(r["number"], r["tender"], r["amount"], r["reference"]) for r in listed] == [
        (done["number"], "qris", 3_500, "REF-88120")
    ]


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
def test_a_dynamic_qris_tender_cannot_be_typed_in_without_its_charge(shop, open_till):
    sale = ring(shop, open_till, [(AQUA_330, 1)])
    with pytest.raises(DomainError) as e:
        till_sale.add_tender(shop, open_till, sale["id"], "qris_dynamic", 3_500, "made-up")
    assert e.value.code == "tender_needs_charge"
    with shop.db.sessions() as s:
        assert s.scalars(select(TenderRow)).all() == []


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
def test_the_sweep_finds_a_charge_whose_notification_was_lost(shop, open_till, central, standin):
    sale = ring(shop, open_till, [(AQUA_330, 1)])
    charge = till_qris.start(shop, open_till, sale["id"], 3_500)
    standin.ledger._notify = lambda body: None  # notifications lost on the way  # noqa: SLF001
    pay_at_gateway(standin, charge)
    assert charge_at_central(central, charge["charge_id"]).status == "pending"
    central.ctx.clock = (lambda now: lambda: now)(central.ctx.clock() + timedelta(minutes=6))
    assert central_qris.sweep(central.ctx) == 1
    assert charge_at_central(central, charge["charge_id"]).status == "settlement"


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
def test_a_central_store_without_a_gateway_key_refuses_clearly_and_the_till_falls_back_to_static_qris(
    shop, open_till, central, standin
):
    central.ctx.config.payments.server_key = ""
    sale = ring(shop, open_till, [(AQUA_330, 1)])
    with pytest.raises(DomainError) as e:
        till_qris.start(shop, open_till, sale["id"], 3_500)
    assert e.value.code == "qris_offline" and "not set up" in e.value.message
    assert central.count(central_qris.TillCharge) == 0


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
def test_a_charge_whose_answer_was_lost_is_the_same_charge_when_the_cashier_presses_q_again(
    shop, open_till, central, standin
):
    inner, lost = central.faults.app, []

    def losing(environ, start_response):  # type: ignore[no-untyped-def]
        if environ["PATH_INFO"] == "/api/v1/till-qris/charges" and not lost:
            lost.append(b"".join(inner(environ, lambda *a, **k: lambda _chunk: None)))  # central made it ...
            start_response("504 GATEWAY TIMEOUT", [("Content-Type", "text/plain")])
            return [b"timed out"]  # ... and its answer never reached the store
        return inner(environ, start_response)

    central.faults.app = losing
    sale = ring(shop, open_till, [(AQUA_330, 1)])
    with pytest.raises(DomainError) as e:
        till_qris.start(shop, open_till, sale["id"], 3_500)
    assert e.value.code == "qris_offline" and lost
    again = till_qris.start(shop, open_till, sale["id"], 3_500)
    assert again["status"] == "pending" and central.count(central_qris.TillCharge) == 1
    assert [b["order_id"] for b in standin.ledger.sent] == ["TQ-" + again["charge_id"].replace("-", "")]
    pay_at_gateway(standin, again)
    assert till_qris.poll(shop, open_till, again["charge_id"])["sale"]["remaining"] == 0
