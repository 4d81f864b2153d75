"""Online order steps that must not work: another store handing over an order not assigned to it, a forged code,
a pick of a SKU not in the order, a substitute dearer than what was paid, stock moved other than picked, and
replayed events (no second refund, no second stock movement); and two tills handing over one order at once."""

from __future__ import annotations

import json
import uuid

import pytest
from orderkit import BARCODE, STORE, central_order, central_order_moves, order_refunds, pay_order, sync
from paykit import AQUA_330, AQUA_600, payment, standin  # noqa: F401
from racekit import at_once
from sqlalchemy import func, select
from synckit import agents, central, connect_store, pg_url  # noqa: F401
from synckit_store import make_event

from central.services import push, stores
from central.tables import Store
from common.errors import DomainError
from pos.adapters.tables import OutboxEvent, StockMovement
from pos.services import auth, online_orders


@pytest.fixture
def packed(store, central, standin, manager, agents):  # type: ignore[no-untyped-def]
    """A pickup order of 2 Aqua 330ml and 1 Aqua 600ml, paid, picked and packed at TOKO-01, central in step."""
    connect_store(store, central)
    paid = pay_order(central, standin, [(AQUA_330, 2), (AQUA_600, 1)])
    agent = agents()
    sync(agent)
    for sku in (AQUA_330, AQUA_330, AQUA_600):
        online_orders.scan(store, manager, paid["order"], BARCODE[sku])
    online_orders.finish_pick(store, manager, paid["order"])
    online_orders.pack(store, manager, paid["order"])
    sync(agent)
    assert central_order(central, paid["order_id"]).status == "packed"
    return {**paid, "agent": agent}


def send(central, store_id: str, type_: str, payload: dict, event_id: str | None = None) -> dict:  # type: ignore[no-untyped-def]
    with central.ctx.db.sessions() as s:
        seq = int(s.scalar(select(Store.last_seq).where(Store.id == store_id)) or 0) + 1
    ev = make_event(seq, payload, type_, event_id=event_id, store_id=store_id)
    [r] = push.push(central.ctx, store_id, "T1", [ev])["results"]
    return r


def sent(store, type_: str) -> tuple[str, dict]:  # type: ignore[no-untyped-def]
    """The event the store's outbox sent: its id and payload, to be sent again as they are."""
    with store.db.sessions() as s:
        row = s.scalar(select(OutboxEvent).where(OutboxEvent.type == type_))
        return row.event_id, json.loads(row.payload)


def handover_payload(order_id: str, code: str, lines: list[tuple[str, int]]) -> dict:
    moves = [{"movement_id": str(uuid.uuid4()), "sku": sku, "qty": qty} for sku, qty in lines]
    return {"order_id": order_id, "code": code, "till_id": "T1", "lines": moves}


def test_a_store_cannot_hand_over_an_order_assigned_to_another_store(packed, central):
    stores.add_store(central.ctx, "TOKO-02", "Omnitoko Depok")
    r = send(
        central,
        "TOKO-02",
        "online_order.handed_over",
        handover_payload(packed["order"], packed["code"], [(AQUA_330, -2), (AQUA_600, -1)]),
    )
    assert (r["outcome"], r["code"]) == ("rejected", "other_store_order")
    assert central_order(central, packed["order_id"]).status == "packed"
    assert central_order_moves(central, packed["order_id"]) == []


def test_a_forged_code_and_stock_other_than_picked_are_refused_at_central(packed, central):
    r = send(
        central,
        STORE,
        "online_order.handed_over",
        handover_payload(packed["order"], "ABC-234", [(AQUA_330, -2), (AQUA_600, -1)]),
    )
    assert (r["outcome"], r["code"]) == ("rejected", "wrong_code")
    r = send(
        central,
        STORE,
        "online_order.handed_over",
        handover_payload(packed["order"], packed["code"], [(AQUA_330, -5), (AQUA_600, -1)]),
    )
    assert (r["outcome"], r["code"]) == ("rejected", "moves_not_picked")
    assert central_order(central, packed["order_id"]).status == "packed"
    assert central_order_moves(central, packed["order_id"]) == []


def test_a_pick_of_a_sku_not_in_the_order_or_a_dearer_substitute_is_refused(store, central, standin, agents, manager):
    connect_store(store, central)
    paid = pay_order(central, standin, [(AQUA_600, 2)])
    sync(agents())
    with pytest.raises(DomainError) as e:  # the store's own screen refuses it first
        online_orders.scan(store, manager, paid["order"], BARCODE[AQUA_330])
    assert e.value.code == "not_in_order"
    stray = {"order_id": paid["order"], "lines": [{"sku": AQUA_330, "qty": 2, "picked": 2}]}
    r = send(central, STORE, "online_order.picked", stray)
    assert (r["outcome"], r["code"]) == ("rejected", "not_in_order")
    dear = {
        "order_id": paid["order"],
        "lines": [{"sku": AQUA_600, "qty": 2, "picked": 1, "substitute_sku": "SKU-00003", "substitute_qty": 1}],
    }
    r = send(central, STORE, "online_order.picked", dear)
    assert (r["outcome"], r["code"]) == ("rejected", "substitute_costs_more")
    assert central_order(central, paid["order_id"]).status == "assigned"
    assert order_refunds(central, paid["order"]) == []


def test_replayed_order_events_refund_and_move_stock_once(store, central, standin, agents, manager):
    connect_store(store, central)
    paid = pay_order(central, standin, [(AQUA_330, 2), (AQUA_600, 1)])
    agent = agents()
    sync(agent)
    online_orders.scan(store, manager, paid["order"], BARCODE[AQUA_330])
    online_orders.scan(store, manager, paid["order"], BARCODE[AQUA_600])
    online_orders.finish_pick(store, manager, paid["order"])
    online_orders.pack(store, manager, paid["order"])
    online_orders.hand_over(store, manager, paid["code"])
    sync(agent)
    assert [x.amount for x in order_refunds(central, paid["order"])] == [3_500]
    # The store's events again, as a faulty or hostile store would send them (after its own, in sequence).
    first_id, picked = sent(store, "online_order.picked")
    with store.db.sessions() as s:
        seq = s.scalar(select(OutboxEvent.store_seq).where(OutboxEvent.event_id == first_id))
    ev = make_event(seq, picked, "online_order.picked", event_id=first_id)
    [r] = push.push(central.ctx, STORE, "T1", [ev])["results"]
    assert r["outcome"] == "duplicate"  # the same event id again: its first answer, nothing applied twice
    r = send(central, STORE, "online_order.picked", picked)  # the same pick under a new id
    assert (r["outcome"], r["code"]) == ("rejected", "order_step_refused")
    _, handed = sent(store, "online_order.handed_over")
    r = send(central, STORE, "online_order.handed_over", handed)
    assert (r["outcome"], r["code"]) == ("rejected", "order_step_refused")
    assert [x.amount for x in order_refunds(central, paid["order"])] == [3_500]
    assert payment(central, paid["order_id"]).refunded == 3_500
    assert len(standin.ledger.by_order(paid["order_id"]).refunds) == 1
    assert central_order_moves(central, paid["order_id"]) == [(AQUA_330, -1), (AQUA_600, -1)]


def test_two_tills_handing_over_one_order_at_once_one_wins(packed, store, central):
    tills = [auth.sign_in(store, "1001", "1234", "T1")[1], auth.sign_in(store, "1002", "2345", "T2")[1]]
    handed = at_once(
        *[lambda a=a: online_orders.hand_over(store, a, packed["code"])["done_by"] for a in tills],
        expected=(DomainError,),
    )
    outcomes = [h.code if isinstance(h, DomainError) else h for h in handed]
    assert sorted(outcomes, key=len) in (["T1", "already_handed_over"], ["T2", "already_handed_over"])
    with store.db.sessions() as s:
        assert s.scalar(select(func.count()).where(OutboxEvent.type == "online_order.handed_over")) == 1
        moved = s.scalar(select(func.sum(StockMovement.qty)).where(StockMovement.ref_id == packed["order"]))
        assert moved == -3
    sync(packed["agent"])
    assert central_order(central, packed["order_id"]).status == "collected"
    assert central_order_moves(central, packed["order_id"]) == [(AQUA_330, -2), (AQUA_600, -1)]
