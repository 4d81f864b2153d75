"""Stock transfers between two stores through the central store: sent, in transit, received (with a difference
that both managers see), requested and accepted or declined; ledgers at both stores and central agree."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from synckit import central, pg_url  # noqa: F401
from transferkit import AQUA_330, AQUA_600, central_transfer_moves, on_hand, pair, transfer_moves  # noqa: F401

from central.tables import ReconciliationItem, Transfer, TransferLine
from common.errors import DomainError
from pos.adapters.tables import ReconciliationItem as StoreItem
from pos.services import transfer_views, transfers


def test_goods_sent_are_in_transit_then_received_with_a_difference_both_managers_see(central, pair):
    a, b = pair
    before_a, before_b = on_hand(a.ctx, AQUA_330), on_hand(b.ctx, AQUA_330)
    sent = transfers.send(a.ctx, a.manager, "TOKO-02", [(AQUA_330, 10), (AQUA_600, 4)], note="stok akhir pekan")
    assert sent["status"] == "sent" and on_hand(a.ctx, AQUA_330) == before_a - 10
    assert transfer_views.board(b.ctx)["todo"] == []  # B cannot see it before A's event reached central
    a.sync()
    with central.ctx.db.sessions() as s:
        assert s.get(Transfer, sent["id"]).status == "sent"  # in transit
    assert central_transfer_moves(central, "TOKO-01") == {AQUA_330: -10, AQUA_600: -4}
    b.sync()
    todo = transfer_views.board(b.ctx)["todo"]
    assert [v["id"] for v in todo] == [sent["id"]] and todo[0]["can_receive"]
    lines = {l["sku"]: l["id"] for l in todo[0]["lines"]}
    got = transfers.receive(b.ctx, b.manager, sent["id"], {lines[AQUA_330]: 9})  # one bottle short
    assert got["status"] == "received" and got["differs"]
    assert on_hand(b.ctx, AQUA_330) == before_b + 9
    b.sync()
    a.sync()
    assert central_transfer_moves(central, "TOKO-02") == {AQUA_330: 9, AQUA_600: 4} == transfer_moves(b.ctx)
    assert central_transfer_moves(central, "TOKO-01") == transfer_moves(a.ctx)
    with central.ctx.db.sessions() as s:
        items = list(s.scalars(select(ReconciliationItem).where(ReconciliationItem.kind == "transfer_difference")))
        assert sorted(i.location for i in items) == ["TOKO-01", "TOKO-02"]
        assert "SKU-00001 sent 10, received 9" in items[0].message
        assert {l.sku: l.received for l in s.scalars(select(TransferLine))} == {AQUA_330: 9, AQUA_600: 4}
    for side_ in (a, b):
        board = transfer_views.board(side_.ctx)
        assert [d["ref_id"] for d in board["differences"]] == [sent["id"]]
        assert board["done"][0]["status"] == "received"
        with side_.ctx.db.sessions() as s:
            assert s.scalar(select(StoreItem.kind)) == "transfer_difference"


def test_a_request_is_accepted_with_less_than_asked_and_another_is_declined(central, pair):
    a, b = pair
    asked = transfers.request(b.ctx, b.manager, "TOKO-01", [(AQUA_330, 12), (AQUA_600, 6)], note="habis")
    other = transfers.request(b.ctx, b.manager, "TOKO-01", [(AQUA_600, 50)])
    b.sync()
    a.sync()
    todo = {v["id"]: v for v in transfer_views.board(a.ctx)["todo"]}
    assert set(todo) == {asked["id"], other["id"]} and all(v["can_answer"] for v in todo.values())
    lines = {l["sku"]: l["id"] for l in todo[asked["id"]]["lines"]}
    before = on_hand(a.ctx, AQUA_330)
    sent = transfers.accept(a.ctx, a.manager, asked["id"], {lines[AQUA_330]: 8, lines[AQUA_600]: 0})
    assert [(l["sku"], l["requested"], l["sent"]) for l in sent["lines"]] == [(AQUA_330, 12, 8), (AQUA_600, 6, 0)]
    assert on_hand(a.ctx, AQUA_330) == before - 8
    transfers.decline(a.ctx, a.manager, other["id"], note="stok sendiri tipis")
    a.sync()
    b.sync()
    board = {v["id"]: v for v in transfer_views.board(b.ctx)["todo"] + transfer_views.board(b.ctx)["done"]}
    assert board[other["id"]]["status"] == "declined" and board[other["id"]]["note"] == "stok sendiri tipis"
    assert board[asked["id"]]["can_receive"]
    got = transfers.receive(b.ctx, b.manager, asked["id"])  # as sent
    assert [(l["sku"], l["sent"], l["received"]) for l in got["lines"]] == [(AQUA_330, 8, 8), (AQUA_600, 0, None)]
    assert not got["differs"]
    b.sync()
    a.sync()
    assert transfer_moves(b.ctx) == central_transfer_moves(central, "TOKO-02") == {AQUA_330: 8}
    assert transfer_moves(a.ctx) == central_transfer_moves(central, "TOKO-01") == {AQUA_330: -8}
    with central.ctx.db.sessions() as s:
        assert s.get(Transfer, asked["id"]).status == "received" and s.get(Transfer, other["id"]).status == "declined"
        assert s.scalar(select(ReconciliationItem.id).where(ReconciliationItem.kind == "transfer_difference")) is None
    with pytest.raises(DomainError) as e:  # answered once: a second answer is refused at the store
        transfers.accept(a.ctx, a.manager, other["id"])
    assert e.value.code == "transfer_state"


def test_either_store_offline_queues_its_step_and_both_catch_up(central, pair):
    a, b = pair
    a.line(False)
    b.line(False)
    sent = transfers.send(a.ctx, a.manager, "TOKO-02", [(AQUA_600, 5)])  # A offline: the event waits in the outbox
    assert b.agent.round().ok is False
    assert transfer_views.board(b.ctx)["todo"] == []
    a.line(True)
    a.sync()  # A back: central has it in transit; B is still offline
    with central.ctx.db.sessions() as s:
        assert s.get(Transfer, sent["id"]).status == "sent"
    b.line(True)
    b.sync()  # B pulls it, then goes offline again and receives it offline
    b.line(False)
    transfers.receive(b.ctx, b.manager, sent["id"])
    assert on_hand(b.ctx, AQUA_600) > 0
    with central.ctx.db.sessions() as s:
        assert s.get(Transfer, sent["id"]).status == "sent"  # still in transit at central
    a.sync()
    assert transfers.find(a.ctx, sent["id"])["status"] == "sent"  # A hears of it only once B synced
    b.line(True)
    b.sync()
    a.sync()
    assert transfer_views_status(a, sent["id"]) == transfer_views_status(b, sent["id"]) == "received"
    assert transfer_moves(b.ctx) == central_transfer_moves(central, "TOKO-02") == {AQUA_600: 5}
    assert transfer_moves(a.ctx) == central_transfer_moves(central, "TOKO-01") == {AQUA_600: -5}


def transfer_views_status(side_, transfer_id):
    return transfers.find(side_.ctx, transfer_id)["status"]
