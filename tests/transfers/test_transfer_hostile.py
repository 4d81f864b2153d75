"""Hostile transfers: a valid store token sending forged, oversized or inconsistent transfer events is refused at
central with nothing changed; at the store, a manager cannot act on another store's transfer, type a negative or
oversized quantity, or send more than is on hand."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import func, select
from synckit import central, pg_url  # noqa: F401
from transferkit import AQUA_330, AQUA_600, on_hand, pair  # noqa: F401

from central.services import stores
from central.tables import DeadLetter, StockEntry, Transfer, TransferLine
from common.errors import DomainError
from pos.adapters.tables import RemoteStock
from pos.services import transfer_views, transfers
from tests.loyalty.loyaltykit import event, push


def line(sku: str, qty: Any, line_id: str | None = None, moves: bool = True) -> dict[str, Any]:
    return {
        "id": line_id or str(uuid.uuid4()),
        "sku": sku,
        "qty": qty,
        **({"movement_id": str(uuid.uuid4())} if moves else {}),
    }


class Chain:
    """Three stores pushing hand-made events (each its own store_seq)."""

    def __init__(self, central: Any) -> None:
        self.central = central
        self.tokens = {"TOKO-01": central.token}
        for sid in ("TOKO-02", "TOKO-03"):
            self.tokens[sid] = stores.add_store(central.ctx, sid, sid)
        self.seq = dict.fromkeys(self.tokens, 0)

    def push(
        self, store_id: str, type_: str, payload: dict[str, Any], ev: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        if ev is None:
            self.seq[store_id] += 1
            ev = event(store_id, self.seq[store_id], type_, payload)
        result = push(self.central, self.tokens[store_id], store_id, [ev])["results"][0]
        result["event"] = ev
        return result


def entries(central: Any) -> int:
    with central.ctx.db.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(StockEntry).where(StockEntry.kind.like("transfer%"))) or 0)


def test_forged_oversized_and_inconsistent_transfer_events_are_refused_and_change_nothing(central):
    chain = Chain(central)
    tid, l330 = str(uuid.uuid4()), line(AQUA_330, 10)
    sent = {"transfer_id": tid, "from_store": "TOKO-01", "to_store": "TOKO-02", "lines": [l330]}
    assert chain.push("TOKO-01", "transfer.sent", sent)["outcome"] == "applied"
    assert entries(central) == 1

    def refused(store_id: str, type_: str, payload: dict[str, Any]) -> str:
        r = chain.push(store_id, type_, payload)
        assert r["outcome"] != "applied", r
        return str(r["code"])

    receive = {"transfer_id": tid, "lines": [line(AQUA_330, 10, l330["id"])]}
    assert refused("TOKO-03", "transfer.received", receive) == "other_store_transfer"  # addressed to TOKO-02
    assert refused("TOKO-02", "transfer.received", {**receive, "transfer_id": str(uuid.uuid4())}) == "unknown_transfer"
    assert (
        refused("TOKO-02", "transfer.received", {**receive, "lines": [line(AQUA_330, -5, l330["id"])]}) == "bad_payload"
    )
    assert (
        refused("TOKO-02", "transfer.received", {**receive, "lines": [line(AQUA_330, 10**7, l330["id"])]})
        == "bad_payload"
    )
    assert (
        refused("TOKO-02", "transfer.received", {**receive, "lines": [line(AQUA_600, 10, l330["id"])]})
        == "transfer_lines_mismatch"
    )
    assert (
        refused("TOKO-02", "transfer.received", {**receive, "lines": [line(AQUA_330, 10)]}) == "transfer_lines_mismatch"
    )
    assert (
        refused(
            "TOKO-01",
            "transfer.sent",
            {**sent, "transfer_id": str(uuid.uuid4()), "from_store": "TOKO-02", "lines": [line(AQUA_330, 3)]},
        )
        == "other_store"
    )
    assert (
        refused(
            "TOKO-01",
            "transfer.sent",
            {**sent, "transfer_id": str(uuid.uuid4()), "to_store": "TOKO-01", "lines": [line(AQUA_330, 3)]},
        )
        == "transfer_to_self"
    )
    assert (
        refused(
            "TOKO-01",
            "transfer.sent",
            {**sent, "transfer_id": str(uuid.uuid4()), "to_store": "TOKO-99", "lines": [line(AQUA_330, 3)]},
        )
        == "unknown_store"
    )
    assert (
        refused("TOKO-01", "transfer.sent", {**sent, "lines": [line(AQUA_330, 3)]}) == "transfer_state"
    )  # its id again
    assert (
        refused("TOKO-01", "transfer.sent", {**sent, "transfer_id": str(uuid.uuid4()), "lines": [line(AQUA_330, 0)]})
        == "bad_quantity"
    )
    assert (
        refused("TOKO-02", "transfer.declined", {"transfer_id": tid}) == "other_store_transfer"
    )  # only the asked store answers
    assert entries(central) == 1  # nothing of it moved stock
    with central.ctx.db.sessions() as s:
        assert s.get(Transfer, tid).status == "sent"
        assert s.scalar(select(func.count()).select_from(DeadLetter)) == 12

    ok = chain.push("TOKO-02", "transfer.received", receive)
    assert ok["outcome"] == "applied"
    again = chain.push("TOKO-02", "transfer.received", receive, ev=ok["event"])  # the same event replayed
    assert again["status"] == 200  # the first answer again, applied once (the entries below)
    assert refused("TOKO-02", "transfer.received", receive) == "transfer_state"  # received once only
    assert entries(central) == 2
    with central.ctx.db.sessions() as s:
        assert s.get(Transfer, tid).status == "received"
        assert [l.received for l in s.scalars(select(TransferLine).where(TransferLine.transfer_id == tid))] == [10]


def test_a_manager_cannot_receive_another_stores_transfer_type_bad_quantities_or_send_more_than_on_hand(central, pair):
    a, b = pair
    sent = transfers.send(a.ctx, a.manager, "TOKO-02", [(AQUA_330, 2)])
    with pytest.raises(DomainError) as e:  # addressed to TOKO-02, not to the sender
        transfers.receive(a.ctx, a.manager, sent["id"])
    assert e.value.code == "unknown_transfer"
    with pytest.raises(DomainError) as e:
        transfers.receive(b.ctx, b.manager, str(uuid.uuid4()))  # a forged id
    assert e.value.code == "unknown_transfer"
    for qty in (-3, 0, 10**6):
        with pytest.raises(DomainError) as e:
            transfers.send(a.ctx, a.manager, "TOKO-02", [(AQUA_330, qty)])
        assert e.value.code == "bad_quantity"
    stock = on_hand(a.ctx, AQUA_600)
    with pytest.raises(DomainError) as e:
        transfers.send(a.ctx, a.manager, "TOKO-02", [(AQUA_600, stock + 1)])
    assert e.value.code == "not_enough_stock" and e.value.detail["on_hand"] == stock
    assert on_hand(a.ctx, AQUA_600) == stock
    for bad in ("TOKO-01", "TOKO-77", ""):
        with pytest.raises(DomainError) as e:
            transfers.send(a.ctx, a.manager, bad, [(AQUA_330, 1)])
        assert e.value.code in ("transfer_to_self", "unknown_store")
    a.sync()
    b.sync()
    line_id = transfers.find(b.ctx, sent["id"])["lines"][0]["id"]
    for qtys in ({line_id: -1}, {line_id: 100_001}, {str(uuid.uuid4()): 1}):
        with pytest.raises(DomainError) as e:
            transfers.receive(b.ctx, b.manager, sent["id"], qtys)
        assert e.value.code in ("bad_quantity", "transfer_lines")
    assert transfers.find(b.ctx, sent["id"])["status"] == "sent"


def test_a_place_with_stock_figures_but_no_store_server_is_not_offered_and_no_stock_leaves_for_it(central, pair):
    """Central sends stock figures for places that run no store server (the demo's TOKO-03 here, a warehouse):
    they show under "who else has it", but a transfer to one would be refused at central after the stock had left
    this shelf, so it is not offered and not accepted."""
    a, _b = pair
    with a.ctx.db.unit_of_work() as s:
        s.add(RemoteStock(sku=AQUA_330, location="TOKO-03", location_name="Gudang Cikarang", qty=40))
    assert [x["id"] for x in transfer_views.stores(a.ctx)] == ["TOKO-02"]
    stock = on_hand(a.ctx, AQUA_330)
    with pytest.raises(DomainError) as e:
        transfers.send(a.ctx, a.manager, "TOKO-03", [(AQUA_330, 5)])
    assert e.value.code == "unknown_store"
    assert on_hand(a.ctx, AQUA_330) == stock
