"""Dynamic QRIS under concurrency on PostgreSQL: two tills charging at once each get their own QR and their own
tender, and the same charge id asked many times at once (a till retrying, a double press) is one charge at central
and one transaction at the gateway."""

from __future__ import annotations

import uuid

import pytest
import requests
from paykit import standin  # noqa: F401
from qriskit import AQUA_330, AQUA_600, charge_at_central, connected, pay_at_gateway, ring
from racekit import at_once
from synckit import central, pg_url  # noqa: F401

from central.tables import TillCharge
from common import qris
from pos.services import auth, checkout, shifts, till_qris


@pytest.mark.parametrize("central", ["postgresql"], indirect=True)
def test_two_tills_charging_at_once_each_show_their_own_qr_and_take_their_own_payment(
    store, open_till, central, standin
):
    shop = connected(store, central)
    t2 = auth.sign_in(shop, "1002", "2345", "T2")[1]
    shifts.open_shift(shop, t2, 100_000)
    one, two = ring(shop, open_till, [(AQUA_330, 1)]), ring(shop, t2, [(AQUA_600, 3)])
    c1, c2 = at_once(
        lambda: till_qris.start(shop, open_till, one["id"], 3_500),
        lambda: till_qris.start(shop, t2, two["id"], 13_500),
    )
    assert c1["charge_id"] != c2["charge_id"]
    assert (qris.parse(c1["qr_string"])["54"], qris.parse(c2["qr_string"])["54"]) == ("3500", "13500")
    at_once(lambda: pay_at_gateway(standin, c1), lambda: pay_at_gateway(standin, c2))
    p1, p2 = at_once(
        lambda: till_qris.poll(shop, open_till, c1["charge_id"]), lambda: till_qris.poll(shop, t2, c2["charge_id"])
    )
    assert [(t["type"], t["amount"]) for t in p1["sale"]["tenders"]] == [("qris_dynamic", 3_500)]
    assert [(t["type"], t["amount"]) for t in p2["sale"]["tenders"]] == [("qris_dynamic", 13_500)]
    assert checkout.complete(shop, open_till, one["id"])["state"] == "completed"
    assert checkout.complete(shop, t2, two["id"])["state"] == "completed"
    assert central.count(TillCharge, TillCharge.status == "settlement") == 2


@pytest.mark.parametrize("central", ["postgresql"], indirect=True)
def test_the_same_charge_id_asked_eight_times_at_once_is_one_charge_with_one_qr(central, standin):
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {central.token}"
    body = {"charge_id": str(uuid.uuid4()), "sale_id": str(uuid.uuid4()), "till_id": "T1", "amount": 27_000}
    answers = at_once(
        *[lambda: http.post(central.url + "/api/v1/till-qris/charges", json=body, timeout=60) for _ in range(8)]
    )
    assert [r.status_code for r in answers] == [201] * 8, [r.text for r in answers]
    assert len({r.json()["qr_string"] for r in answers}) == 1
    assert central.count(TillCharge) == 1
    order_id = "TQ-" + body["charge_id"].replace("-", "")
    assert [s["order_id"] for s in standin.ledger.sent] == [order_id]  # one pending notice: one gateway charge
    assert charge_at_central(central, body["charge_id"]).status == "pending"


@pytest.mark.parametrize("central", ["postgresql"], indirect=True)
def test_a_double_press_at_the_till_asks_for_one_charge(store, open_till, central, standin):
    shop = connected(store, central)
    sale = ring(shop, open_till, [(AQUA_330, 2)])
    a, b = at_once(*[lambda: till_qris.start(shop, open_till, sale["id"], 7_000) for _ in range(2)])
    assert a["charge_id"] == b["charge_id"] and a["qr_string"] == b["qr_string"]
    assert central.count(TillCharge) == 1
