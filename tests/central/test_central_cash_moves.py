"""Central records each cash move a store's till makes (cash.moved) once, after checking the store's word on it, and
holds each Z report's cash out and in to the moves it has for that shift (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from cashkit import CASHIER, MANAGER, dead_letter_code, held, move, open_shift, shift_state, z_report
from checkkit import pusher
from sqlalchemy import select
from synckit import central, pg_url  # noqa: F401

from central.tables import Alert, CashMoveRecord
from common.contract.names import EventType
from common.limits import MAX_AMOUNT

MOVED, CLOSED = EventType.CASH_MOVED, EventType.SHIFT_CLOSED


def test_each_move_is_recorded_with_its_store_till_shift_cashier_and_manager_and_a_matching_z_closes_the_shift(
    central,
):
    p = pusher(central, "TOKO-01")
    shift = open_shift(p)
    drop = move(shift, "safe_drop", 150_000)
    expense = move(shift, "store_expense", 12_500, note="kurir galon")
    change = move(shift, "more_change", 50_000)
    for m in (drop, expense, change):
        p.applied(MOVED, m)
    assert sorted(held(central)) == sorted(
        [
            (drop["move_id"], "TOKO-01", shift, "out", "safe_drop", 150_000, MANAGER),
            (expense["move_id"], "TOKO-01", shift, "out", "store_expense", 12_500, MANAGER),
            (change["move_id"], "TOKO-01", shift, "in", "more_change", 50_000, None),
        ]
    )
    p.applied(CLOSED, z_report(shift, cash_out=162_500, cash_in=50_000))
    assert shift_state(central, shift) == "closed"


def test_an_event_sent_again_returns_its_first_result_and_the_move_is_held_once(central):
    p = pusher(central, "TOKO-01")
    shift = open_shift(p)
    event = p.event(MOVED, move(shift))
    [first] = p.send([event])
    [again] = p.send([event])
    assert first["outcome"] == "applied"
    assert (again["outcome"], again["first_outcome"]) == ("duplicate", "applied")
    assert len(held(central)) == 1


def test_the_same_move_under_a_second_event_of_its_store_is_held_once(central):
    p = pusher(central, "TOKO-01")
    shift = open_shift(p)
    m = move(shift)
    p.applied(MOVED, m)
    p.applied(MOVED, m)  # a store restored from a backup may write it again
    assert len(held(central)) == 1


def test_a_z_report_of_a_store_that_sends_no_moves_stands_as_it_says(central):
    p = pusher(central, "TOKO-01")
    shift = open_shift(p)
    p.applied(CLOSED, z_report(shift, cash_out=150_000, cash_in=0))  # a store older than cash.moved
    assert shift_state(central, shift) == "closed"


HOSTILE: dict[str, tuple[Callable[[str], dict[str, Any]], str, bool]] = {
    # name: (the move, the code, whether it raises an event_refused alert and flags the store)
    "negative amount": (lambda sh: move(sh, "more_change", -50_000), "amount_out_of_range", True),
    "zero amount": (lambda sh: move(sh, "safe_drop", 0), "amount_out_of_range", True),
    "huge amount": (lambda sh: move(sh, "safe_drop", MAX_AMOUNT + 1), "amount_out_of_range", True),
    "unknown reason": (lambda sh: move(sh, "bonus_owner", 10_000, direction="out"), "unknown_cash_reason", True),
    "reason of the other way": (
        lambda sh: move(sh, "safe_drop", 10_000, direction="in"),
        "wrong_cash_direction",
        True,
    ),
    "out without approver": (lambda sh: move(sh, "store_expense", 10_000, approved_by=None), "approval_missing", True),
    "another till": (lambda sh: move(sh, till_id="T9"), "other_device", True),
    "not an integer": (lambda sh: move(sh, amount="150000"), "bad_payload", False),
    "words too long": (lambda sh: move(sh, "other_out", 10_000, note="x" * 121), "bad_payload", False),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_move_the_store_cannot_have_made_is_dead_lettered_and_nothing_is_held(central, name):
    p = pusher(central, "TOKO-01")
    shift = open_shift(p)
    make, code, alerted = HOSTILE[name]
    result = p.push(MOVED, make(shift))
    _assert_refused(central, result, code, alerted)
    assert held(central) == []


def _assert_refused(central: Any, result: dict[str, Any], code: str, alerted: bool) -> None:
    assert (result["status"], result["outcome"], result["code"]) == (422, "rejected", code), result
    assert len(result["message"]) > 20
    assert dead_letter_code(central, result["event_id"]) == code
    with central.ctx.db.sessions() as s:
        alert = s.scalar(select(Alert).where(Alert.event_id == result["event_id"], Alert.kind == "event_refused"))
    assert (alert is not None) == alerted


def test_a_move_id_another_store_holds_is_refused(central):
    theirs_p, ours = pusher(central, "TOKO-02"), pusher(central, "TOKO-01")
    theirs = move(open_shift(theirs_p))
    theirs_p.applied(MOVED, theirs)
    before = held(central)
    result = ours.push(MOVED, {**theirs, "shift_id": open_shift(ours)})
    _assert_refused(central, result, "other_store", True)
    assert held(central) == before


def test_a_move_on_another_stores_shift_is_refused(central):
    theirs = open_shift(pusher(central, "TOKO-02"))
    result = pusher(central, "TOKO-01").push(MOVED, move(theirs))
    _assert_refused(central, result, "other_store_shift", True)
    assert held(central) == []


def test_a_move_for_a_shift_central_has_closed_is_refused_as_a_late_forgery(central):
    p = pusher(central, "TOKO-01")
    shift = open_shift(p)
    p.applied(MOVED, move(shift, "safe_drop", 100_000))
    p.applied(CLOSED, z_report(shift, cash_out=100_000, cash_in=0))
    result = p.push(MOVED, move(shift, "store_expense", 40_000))
    _assert_refused(central, result, "shift_closed", True)
    assert [h[5] for h in held(central)] == [100_000]


@pytest.mark.parametrize(("cash_out", "cash_in"), [(100_000, 0), (150_000, 20_000), (150_000, 0)])
def test_a_z_whose_cash_out_or_in_is_not_the_moves_central_holds_is_refused_and_the_shift_stays_open(
    central, cash_out, cash_in
):
    p = pusher(central, "TOKO-01")
    shift = open_shift(p)
    p.applied(MOVED, move(shift, "safe_drop", 150_000))
    p.applied(MOVED, move(shift, "more_change", 25_000))
    result = p.push(CLOSED, z_report(shift, cash_out=cash_out, cash_in=cash_in))
    _assert_refused(central, result, "totals_do_not_add_up", True)
    assert "Rp 150.000" in result["message"] and "Rp 25.000" in result["message"]
    assert shift_state(central, shift) == "open"


def test_a_z_is_checked_against_the_moves_of_its_own_till_only(central):
    p = pusher(central, "TOKO-01")
    shift = open_shift(p)
    p.applied(MOVED, move(shift, "safe_drop", 80_000))
    stray = p.push(MOVED, move(shift, "more_change", 5_000, till_id="T2"), device_id="T2")
    assert (stray["outcome"], stray["code"]) == ("rejected", "other_store_shift")
    p.applied(CLOSED, z_report(shift, cash_out=80_000, cash_in=0))
    assert shift_state(central, shift) == "closed"


def test_the_cashier_the_manager_the_words_and_the_time_are_kept_as_the_store_sent_them(central):
    p = pusher(central, "TOKO-01")
    m = move(open_shift(p), "other_out", 7_000, note="  beli tisu ")
    p.applied(MOVED, m)
    with central.ctx.db.sessions() as s:
        row = s.get(CashMoveRecord, m["move_id"])
        assert row is not None
        assert (row.staff_id, row.approved_by, row.note, row.till_id) == (CASHIER, MANAGER, "beli tisu", "T1")
        assert row.moved_at.isoformat() == m["moved_at"]


def test_moves_and_their_z_in_one_push_are_applied_together_and_a_wrong_z_among_them_alone_is_refused(central):
    p = pusher(central, "TOKO-01")
    good, bad = open_shift(p), open_shift(p)
    moves = [move(good, "safe_drop", 70_000), move(good, "more_change", 30_000), move(bad, "safe_drop", 10_000)]
    results = p.send(
        [p.event(MOVED, m) for m in moves]
        + [p.event(CLOSED, z_report(good, cash_out=70_000, cash_in=30_000))]
        + [p.event(CLOSED, z_report(bad, cash_out=0, cash_in=0))]  # says no cash went out: one did
    )
    assert [(r["outcome"], r["code"]) for r in results] == [("applied", None)] * 4 + [
        ("rejected", "totals_do_not_add_up")
    ]
    assert len(held(central)) == 3
    assert (shift_state(central, good), shift_state(central, bad)) == ("closed", "open")


def test_a_move_id_sent_again_with_other_figures_is_refused_and_the_first_stands(central):
    p = pusher(central, "TOKO-01")
    m = move(open_shift(p), "safe_drop", 100_000)
    p.applied(MOVED, m)
    result = p.push(MOVED, {**m, "amount": 10_000})
    _assert_refused(central, result, "cash_move_id_reused", False)
    assert [h[5] for h in held(central)] == [100_000]
