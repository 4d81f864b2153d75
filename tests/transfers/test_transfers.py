"""Stock transfers between two stores through the central store: sent, in transit, received (with a difference
that both managers see), requested and accepted or declined; ledgers at both stores and central agree."""

from __future__ import annotations

from sqlalchemy import select
from synckit import central, pg_url  # noqa: F401
from transferkit import AQUA_330, AQUA_600, central_transfer_moves, on_hand, pair, transfer_moves  # noqa: F401

from central.tables import ReconciliationItem, Transfer, TransferLine
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
