"""Cash in and out at several tills at the same instant: each till's shift gets its own figures, two pay-outs
that together take more than one drawer holds cannot both pass, and a request sent twice at once records once."""

from __future__ import annotations

from typing import Any

from racekit import at_once
from service_steps import AQUA_330, MANAGER, sell
from sqlalchemy import func, select

from common.errors import Conflict
from pos.adapters.tables import CashMove
from pos.services import auth, cash_moves, shifts
from pos.services.auth import Actor
from pos.services.context import StoreContext

MOVE_ID = "7c9e6679-7425-40de-944b-e07fc1f90ae7"


def test_two_tills_paying_out_at_once_each_get_their_own_shifts_figures(store: StoreContext, open_till: Actor) -> None:
    t2 = auth.sign_in(store, "1002", "2345", "T2")[1]
    shifts.open_shift(store, t2, 100_000)
    sell(store, open_till, [(AQUA_330, 2)], [("cash", 7_000)])
    sell(store, t2, [(AQUA_330, 1)], [("cash", 3_500)])

    def drop(actor: Actor, amount: int) -> Any:
        return lambda: cash_moves.record(store, actor, reason="safe_drop", amount=amount, approval=MANAGER)

    for _ in range(3):
        at_once(drop(open_till, 50_000), drop(t2, 20_000))
    at_once(
        lambda: cash_moves.record(store, open_till, reason="more_change", amount=5_000),
        lambda: cash_moves.record(store, t2, reason="more_change", amount=1_000),
    )
    x1, x2 = shifts.x_report(store, open_till), shifts.x_report(store, t2)
    assert (x1["cash_out"], x1["cash_in"], x1["expected_cash"]) == (150_000, 5_000, 200_000 + 7_000 - 150_000 + 5_000)
    assert (x2["cash_out"], x2["cash_in"], x2["expected_cash"]) == (60_000, 1_000, 100_000 + 3_500 - 60_000 + 1_000)
    # Each till empties its own drawer at the same instant: both pass, and each Z counts its own.
    at_once(drop(open_till, x1["expected_cash"]), drop(t2, x2["expected_cash"]))
    assert shifts.close_shift(store, open_till, 0)["variance"] == 0
    assert shifts.close_shift(store, t2, 0)["variance"] == 0


def test_two_pay_outs_at_once_that_together_take_more_than_the_drawer_cannot_both_pass(
    store: StoreContext, open_till: Actor
) -> None:
    def take(amount: int) -> Any:
        return lambda: cash_moves.record(store, open_till, reason="store_expense", amount=amount, approval=MANAGER)

    results = at_once(take(150_000), take(120_000), expected=(Conflict,))
    refused = [r for r in results if isinstance(r, Conflict)]
    assert len(refused) == 1 and refused[0].code == "drawer_short"
    assert shifts.x_report(store, open_till)["expected_cash"] in (50_000, 80_000)


def test_a_request_sent_twice_at_once_with_the_same_id_records_once(store: StoreContext, open_till: Actor) -> None:
    def send() -> dict[str, Any]:
        return cash_moves.record(
            store, open_till, reason="safe_drop", amount=100_000, approval=MANAGER, move_id=MOVE_ID
        )

    first, second = at_once(send, send)
    assert sorted([first["replayed"], second["replayed"]]) == [False, True]
    with store.db.sessions() as s:
        assert s.scalar(select(func.count(CashMove.id))) == 1
    assert shifts.x_report(store, open_till)["cash_out"] == 100_000
