"""Each cash move in or out of a till's drawer writes a `cash.moved` event to the outbox in the move's own
transaction: central learns of every move, not only of the Z report's totals, and a move that fails leaves no event
(nor an event a move)."""

from __future__ import annotations

import pytest
from service_steps import MANAGER, outbox, payload
from sqlalchemy import select

from common.contract.cash_events import CashMovedV2
from common.contract.names import EventType
from common.contract.wire import canonical_json, parse, payload_hash
from common.errors import Conflict
from pos.adapters.tables import CashMove, OutboxEvent
from pos.services import cash_moves, records, shifts
from pos.services.auth import Actor
from pos.services.context import StoreContext


def moved_events(store: StoreContext) -> list[OutboxEvent]:
    return [e for e in outbox(store) if e.type == EventType.CASH_MOVED]


def moves(store: StoreContext) -> list[CashMove]:
    with store.db.sessions() as s:
        return list(s.scalars(select(CashMove).order_by(CashMove.created_at)))


def test_each_cash_move_is_in_the_outbox_with_the_move_its_till_shift_cashier_and_manager(
    store: StoreContext, open_till: Actor, manager: Actor
) -> None:
    drop = cash_moves.record(store, open_till, reason="safe_drop", amount=150_000, approval=MANAGER)
    more = cash_moves.record(store, open_till, reason="more_change", amount=50_000, note="  dari brankas ")
    shift_id = shifts.x_report(store, open_till)["shift_id"]
    out_ev, in_ev = moved_events(store)
    assert [payload(e) for e in (out_ev, in_ev)] == [
        {
            "move_id": drop["id"],
            "till_id": "T1",
            "shift_id": shift_id,
            "direction": "out",
            "reason": "safe_drop",
            "amount": 150_000,
            "note": "",
            "staff_id": open_till.staff_id,
            "approved_by": manager.staff_id,
            "moved_at": drop["at"],
            "staff_name": open_till.name,  # head office reads names (central keeps no staff list)
            "approver_name": manager.name,
        },
        {
            "move_id": more["id"],
            "till_id": "T1",
            "shift_id": shift_id,
            "direction": "in",
            "reason": "more_change",
            "amount": 50_000,
            "note": "dari brankas",
            "staff_id": open_till.staff_id,
            "approved_by": None,
            "moved_at": more["at"],
            "staff_name": open_till.name,
            "approver_name": "",
        },
    ]
    for e in (out_ev, in_ev):
        assert (e.device_id, e.store_id, e.schema_version, e.acked_at) == ("T1", store.store_id, 2, None)
        assert e.payload_hash == payload_hash(canonical_json(payload(e)))
        parse(CashMovedV2, payload(e))  # it fits the contract's model
    assert in_ev.store_seq == out_ev.store_seq + 1


def test_the_z_report_follows_the_moves_in_the_outbox_so_central_has_them_before_it(
    store: StoreContext, open_till: Actor
) -> None:
    cash_moves.record(store, open_till, reason="safe_drop", amount=100_000, approval=MANAGER)
    shifts.close_shift(store, open_till, 100_000)
    kinds = [e.type for e in outbox(store)]
    assert kinds.index(EventType.CASH_MOVED) < kinds.index(EventType.SHIFT_CLOSED)


def test_a_retried_move_with_the_same_id_writes_one_event(store: StoreContext, open_till: Actor) -> None:
    first = cash_moves.record(store, open_till, reason="more_change", amount=20_000, move_id="mv-retry-1")
    again = cash_moves.record(store, open_till, reason="more_change", amount=20_000, move_id="mv-retry-1")
    assert (first["replayed"], again["replayed"]) == (False, True)
    assert [payload(e)["move_id"] for e in moved_events(store)] == ["mv-retry-1"]


def test_a_refused_move_writes_no_event(store: StoreContext, open_till: Actor) -> None:
    with pytest.raises(Conflict) as err:
        cash_moves.record(store, open_till, reason="safe_drop", amount=10_000_000, approval=MANAGER)
    assert err.value.code == "drawer_short"
    assert (moves(store), moved_events(store)) == ([], [])


def test_a_move_that_fails_after_its_event_was_written_leaves_neither_the_move_nor_the_event(
    store: StoreContext, open_till: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_audit(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(cash_moves, "audit", broken_audit)  # runs after the event, in the same transaction
    seq_before = [e.store_seq for e in outbox(store)]
    with pytest.raises(RuntimeError):
        cash_moves.record(store, open_till, reason="more_change", amount=20_000)
    assert (moves(store), moved_events(store)) == ([], [])
    assert [e.store_seq for e in outbox(store)] == seq_before  # no store_seq taken either: no gap for central


def test_a_move_whose_event_cannot_be_written_is_not_recorded(
    store: StoreContext, open_till: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_outbox(*_args: object, **_kwargs: object) -> str:
        raise RuntimeError("outbox unavailable")

    monkeypatch.setattr(records, "emit_event", broken_outbox)
    with pytest.raises(RuntimeError):
        cash_moves.record(store, open_till, reason="more_change", amount=20_000)
    assert (moves(store), moved_events(store)) == ([], [])
