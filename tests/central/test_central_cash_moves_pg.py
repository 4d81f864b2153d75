"""Several stores push cash moves and Z reports at once on PostgreSQL: no deadlock, no 5xx, no move lost or held
twice, every Z checked against its own shift's moves; two stores claiming one move id: one holds it."""

from __future__ import annotations

from typing import Any

import pytest
from cashkit import held, move, open_shift, shift_state, z_report
from checkkit import Pusher, pusher
from racekit import at_once
from synckit import central, pg_url  # noqa: F401

from common.contract.names import EventType

STORES = [f"TOKO-{n:02d}" for n in range(1, 7)]
SHIFTS, MOVES = 3, 8  # per store: shifts one after another, moves on each


# Row locks and deadlocks are PostgreSQL's: these run on it alone.
ON_POSTGRESQL = pytest.mark.parametrize("central", ["postgresql"], indirect=True)


def _a_stores_day(p: Pusher) -> dict[str, Any]:
    """Shifts with moves in batches (some in one push with the Z), each Z saying what its moves add up to."""
    sent: dict[str, Any] = {"moves": [], "shifts": []}
    for n in range(SHIFTS):
        shift = open_shift(p)
        moves = [
            move(shift, ("safe_drop", "more_change", "store_expense")[i % 3], 1_000 * (i + 1 + n)) for i in range(MOVES)
        ]
        out = sum(m["amount"] for m in moves if m["direction"] == "out")
        in_ = sum(m["amount"] for m in moves if m["direction"] == "in")
        results = p.send([p.event(EventType.CASH_MOVED, m) for m in moves[:4]])
        results += p.send(
            [p.event(EventType.CASH_MOVED, m) for m in moves[4:]]
            + [p.event(EventType.SHIFT_CLOSED, z_report(shift, out, in_))]
        )
        assert [r["outcome"] for r in results] == ["applied"] * (MOVES + 1), results
        sent["moves"] += [m["move_id"] for m in moves]
        sent["shifts"].append(shift)
    return sent


@ON_POSTGRESQL
def test_stores_pushing_moves_and_z_reports_at_once_lose_nothing_and_never_deadlock(central):
    pg = central
    pushers = [pusher(pg, store) for store in STORES]
    days = at_once(*[lambda p=p: _a_stores_day(p) for p in pushers], timeout=300)
    rows = held(pg)
    assert sorted(r[0] for r in rows) == sorted(m for d in days for m in d["moves"])  # each once, none lost
    by_id = {r[0]: r[1] for r in rows}
    for store, day in zip(STORES, days, strict=True):
        assert {by_id[m] for m in day["moves"]} == {store}
        assert all(shift_state(pg, s) == "closed" for s in day["shifts"])


@ON_POSTGRESQL
def test_two_stores_claiming_one_move_id_at_once_one_holds_it_the_other_is_dead_lettered(central):
    pg = central
    a, b = pusher(pg, "TOKO-01"), pusher(pg, "TOKO-02")
    shift_a, shift_b = open_shift(a), open_shift(b)
    for _ in range(5):  # a few rounds: the two pushes meet at different points
        m = move(shift_a)
        ra, rb = at_once(
            lambda m=m: a.push(EventType.CASH_MOVED, m),
            lambda m=m: b.push(EventType.CASH_MOVED, {**m, "shift_id": shift_b}),
        )
        outcomes = sorted([ra["outcome"], rb["outcome"]])
        assert outcomes == ["applied", "rejected"], (ra, rb)
        loser = ra if ra["outcome"] == "rejected" else rb
        assert loser["code"] in ("other_store", "conflicting_fact")
        [owner] = [r[1] for r in held(pg) if r[0] == m["move_id"]]
        assert owner == ("TOKO-01" if ra["outcome"] == "applied" else "TOKO-02")
