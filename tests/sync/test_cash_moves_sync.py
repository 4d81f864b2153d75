"""Cash moved in and out of a till's drawer reaches central through the sync agent, each move once, before the Z
that counts it; central checks the Z's cash out and in against them."""

from __future__ import annotations

from sqlalchemy import select
from synckit import AQUA_330, agents, central, connect_store, pg_url, sell, sync_until_clean  # noqa: F401

from central.tables import CashMoveRecord, ShiftRecord
from pos.adapters.tables import OutboxEvent
from pos.services import cash_moves, shifts

MANAGER = {"staff_code": "9001", "pin": "4321"}


def test_a_tills_cash_moves_reach_central_once_with_their_shift_and_its_z(central, store, open_till, manager, agents):
    connect_store(store, central)
    sell(store, open_till, [(AQUA_330, 2)])
    drop = cash_moves.record(store, open_till, reason="safe_drop", amount=150_000, approval=MANAGER)
    expense = cash_moves.record(
        store, open_till, reason="store_expense", amount=12_500, note="kurir galon", approval=MANAGER
    )
    change = cash_moves.record(store, open_till, reason="more_change", amount=50_000)
    agent = agents()
    rep = sync_until_clean(agent)
    assert rep.push.applied == 5  # shift.opened, the sale, three moves
    with central.ctx.db.sessions() as s:
        at_central = {
            m.id: (m.store_id, m.till_id, m.direction, m.reason, m.amount, m.note, m.staff_id, m.approved_by)
            for m in s.scalars(select(CashMoveRecord))
        }
    assert at_central == {
        drop["id"]: ("TOKO-01", "T1", "out", "safe_drop", 150_000, None, open_till.staff_id, manager.staff_id),
        expense["id"]: (
            "TOKO-01",
            "T1",
            "out",
            "store_expense",
            12_500,
            "kurir galon",
            open_till.staff_id,
            manager.staff_id,
        ),
        change["id"]: ("TOKO-01", "T1", "in", "more_change", 50_000, None, open_till.staff_id, None),
    }
    z = shifts.close_shift(store, open_till, 94_500)
    assert (z["cash_out"], z["cash_in"]) == (162_500, 50_000)
    rep = sync_until_clean(agent)
    assert rep.push.applied == 1  # the Z, held to the three moves
    [(state,)] = central.rows(select(ShiftRecord.state).where(ShiftRecord.id == z["shift_id"]))
    assert state == "closed"
    with store.db.sessions() as s:
        assert s.scalar(select(OutboxEvent).where(OutboxEvent.acked_at.is_(None))) is None
