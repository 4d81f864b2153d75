"""Refunds to the original tender (dynamic QRIS back through central and the gateway, with its reference; cash stays
at the till; a refusal leaves the sale un-refunded), and what a store with a valid token must not get: a charge for
another store's sale, a charge of another amount than is due, a forged notification, a claim to a QRIS central never
confirmed."""

from __future__ import annotations

import uuid

import pytest
import requests
from paykit import post_notify, standin  # noqa: F401
from qriskit import AQUA_330, AQUA_600, charge_at_central, connected, pay_at_gateway, ring
from sqlalchemy import select
from synckit import agents, central, pg_url, sync_until_clean  # noqa: F401

from central.services import stores
from central.tables import Alert, DeadLetter, Refund, TillChargeRefund
from common.errors import DomainError
from common.payment_signature import signature
from pos.adapters.tables import Refund as StoreRefund
from pos.adapters.tables import SaleLine
from pos.services import checkout, refunds, till_qris

MANAGER = {"staff_code": "9001", "pin": "4321"}


@pytest.fixture
def shop(store, central, standin):  # type: ignore[no-untyped-def]
    return connected(store, central)


def paid_by_qris(shop, actor, standin, items):  # type: ignore[no-untyped-def]
    sale = ring(shop, actor, items)
    charge = till_qris.start(shop, actor, sale["id"], sale["remaining"])
    pay_at_gateway(standin, charge)
    till_qris.poll(shop, actor, charge["charge_id"])
    return checkout.complete(shop, actor, sale["id"]), charge


def lines_of(shop, sale_id):  # type: ignore[no-untyped-def]
    with shop.db.sessions() as s:
        return {l.sku: l.id for l in s.scalars(select(SaleLine).where(SaleLine.sale_id == sale_id))}


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
def test_a_qris_sale_is_refunded_through_the_gateway_with_its_reference_and_central_accepts_the_refund(
    shop, open_till, central, standin, agents
):
    done, charge = paid_by_qris(shop, open_till, standin, [(AQUA_330, 2), (AQUA_600, 1)])
    line = lines_of(shop, done["id"])["SKU-00002"]
    back = refunds.refund(shop, open_till, done["number"], [(line, 1)], MANAGER, reason="rusak")  # its own tender
    assert back["amount"] == 4_500 and back["tender_type"] == "qris_dynamic" and back["reference"]
    order = standin.ledger.by_order("TQ-" + charge["charge_id"].replace("-", ""))
    assert [int(r["amount"]) for r in order.refunds] == [4_500] and order.status == "partial_refund"
    assert str(order.refunds[0]["refund_chargeback_id"]) == back["reference"]  # the gateway's own id
    at_central = charge_at_central(central, charge["charge_id"])
    assert (at_central.refunded, at_central.status) == (4_500, "partial_refund")
    sync_until_clean(agents())
    assert central.count(DeadLetter) == 0 and central.count(Refund, Refund.id == back["id"]) == 1


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
def test_a_refund_the_gateway_refuses_leaves_the_sale_unrefunded_with_a_clear_message(
    shop, open_till, central, standin
):
    done, charge = paid_by_qris(shop, open_till, standin, [(AQUA_330, 1)])
    order_id = "TQ-" + charge["charge_id"].replace("-", "")
    standin.ledger.refund(order_id, "dashboard-1", 3_500, "refunded from the gateway's dashboard")
    line = lines_of(shop, done["id"])["SKU-00001"]
    with pytest.raises(DomainError) as e:
        refunds.refund(shop, open_till, done["number"], [(line, 1)], MANAGER, "qris_dynamic")
    assert e.value.code == "qris_refund_refused" and "refused the refund" in e.value.message
    with shop.db.sessions() as s:
        assert s.scalars(select(StoreRefund)).all() == []
        assert s.get(SaleLine, (done["id"], line)).refunded_qty == 0
    assert central.count(TillChargeRefund) == 0
    cash = refunds.refund(shop, open_till, done["number"], [(line, 1)], MANAGER, "cash")
    assert cash["tender_type"] == "cash" and cash["reference"] is None  # cash stays at the till


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
def test_a_cash_sale_cannot_be_refunded_to_qris(shop, open_till, standin):
    from synckit_store import sell

    done = sell(shop, open_till, [(AQUA_330, 1)])
    line = lines_of(shop, done["id"])["SKU-00001"]
    with pytest.raises(DomainError) as e:
        refunds.refund(shop, open_till, done["number"], [(line, 1)], MANAGER, "qris_dynamic")
    assert e.value.code == "not_paid_by_qris"


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
def test_the_till_refuses_a_charge_of_another_amount_than_is_due(shop, open_till):
    sale = ring(shop, open_till, [(AQUA_330, 2)])
    for amount in (6_999, 7_001, 1):
        with pytest.raises(DomainError) as e:
            till_qris.start(shop, open_till, sale["id"], amount)
        assert (e.value.code, e.value.detail["due"]) == ("qris_amount_not_due", 7_000)


class StoreApi:
    def __init__(self, central, token: str) -> None:  # type: ignore[no-untyped-def]
        self.base, self.http = central.url + "/api/v1/till-qris", requests.Session()
        self.http.headers["Authorization"] = f"Bearer {token}"

    def charge(self, charge_id: str, sale_id: str, amount: int = 3_500, till: str = "T1"):  # type: ignore[no-untyped-def]
        body = {"charge_id": charge_id, "sale_id": sale_id, "till_id": till, "amount": amount}
        return self.http.post(self.base + "/charges", json=body, timeout=30)


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
def test_a_store_cannot_charge_for_see_or_refund_another_stores_sale(central, standin):
    ours = StoreApi(central, central.token)
    theirs = StoreApi(central, stores.add_store(central.ctx, "TOKO-02", "Omnitoko Depok"))
    sale_id, charge_id = str(uuid.uuid4()), str(uuid.uuid4())
    assert ours.charge(charge_id, sale_id).status_code == 201
    r = theirs.charge(str(uuid.uuid4()), sale_id)
    assert (r.status_code, r.json()["error"]["code"]) == (409, "sale_of_another_store")
    r = theirs.charge(charge_id, sale_id)  # our charge id, retried by them: as if it did not exist
    assert (r.status_code, r.json()["error"]["code"]) == (404, "unknown_charge")
    assert theirs.http.get(f"{theirs.base}/charges/{charge_id}", timeout=30).status_code == 404
    assert theirs.http.post(f"{theirs.base}/charges/{charge_id}/cancel", json={}, timeout=30).status_code == 404
    body = {"refund_id": str(uuid.uuid4()), "amount": 100}
    assert theirs.http.post(f"{theirs.base}/charges/{charge_id}/refunds", json=body, timeout=30).status_code == 404
    r = ours.charge(charge_id, sale_id, amount=1)  # the same id for another amount is not the same charge
    assert (r.status_code, r.json()["error"]["code"]) == (409, "charge_id_reused")
    assert charge_at_central(central, charge_id).status == "pending"


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
def test_a_forged_notification_for_a_till_charge_changes_nothing_and_raises_an_alert(shop, open_till, central, standin):
    sale = ring(shop, open_till, [(AQUA_330, 1)])
    charge = till_qris.start(shop, open_till, sale["id"], 3_500)
    order_id = "TQ-" + charge["charge_id"].replace("-", "")
    forged = {"order_id": order_id, "status_code": "200", "gross_amount": "3500.00", "transaction_status": "settlement"}
    forged["signature_key"] = signature(order_id, "200", "3500.00", "not-the-server-key")
    assert post_notify(central, forged)[0] == 403
    signed_but_false = {**forged, "signature_key": signature(order_id, "200", "3500.00", standin.key)}
    assert post_notify(central, signed_but_false)[1]["outcome"] in ("ignored", "applied")  # the gateway says pending
    assert charge_at_central(central, charge["charge_id"]).status == "pending"
    view = till_qris.poll(shop, open_till, charge["charge_id"])
    assert view["paid"] is False and view["sale"]["tenders"] == []
    assert central.count(Alert, Alert.kind == "payment_forged") == 1
    assert central.count(Alert, Alert.kind == "payment_unconfirmed") == 1


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
def test_central_refuses_a_sale_claiming_a_dynamic_qris_it_never_confirmed(shop, open_till, central, agents):
    from pos.services import sales

    sale = ring(shop, open_till, [(AQUA_330, 1)])

    def nothing(s, tender_id):  # type: ignore[no-untyped-def]
        return None  # a till that skips its charge (a modified store server)

    sales.add_confirmed_tender(shop, open_till, sale["id"], "qris_dynamic", 3_500, "made-up", nothing)
    checkout.complete(shop, open_till, sale["id"])
    agents().round()
    with central.ctx.db.sessions() as s:
        dead = s.scalars(select(DeadLetter)).all()
        assert [d.code for d in dead] == ["qris_not_confirmed"]


def test_the_store_api_refuses_a_qris_of_another_amount_an_oversized_one_and_a_made_up_charge(till_api):  # type: ignore[no-untyped-def]
    sale = till_api.post("/api/v1/sales").get_json()
    till_api.post(f"/api/v1/sales/{sale['id']}/lines", {"barcode": AQUA_330})
    r = till_api.post(f"/api/v1/sales/{sale['id']}/qris", {"amount": 3_499})
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "qris_amount_not_due"
    assert till_api.post(f"/api/v1/sales/{sale['id']}/qris", {"amount": 10**16}).status_code == 400
    assert till_api.post(f"/api/v1/sales/{sale['id']}/qris", {"amount": "3500"}).status_code == 400
    assert till_api.get("/api/v1/qris/not-a-charge").status_code == 400
    assert till_api.get(f"/api/v1/qris/{uuid.uuid4()}").status_code == 404
    r = till_api.post(f"/api/v1/sales/{sale['id']}/tenders", {"type": "qris_dynamic", "amount": 3_500})
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "tender_needs_charge"
    assert till_api.get(f"/api/v1/sales/{sale['id']}").get_json()["tenders"] == []
