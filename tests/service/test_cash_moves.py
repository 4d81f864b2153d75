"""Cash in and out of the till's drawer during a shift: a drop to the safe or a store expense (a manager approves),
more change put in; each recorded once on the open shift, audit-logged, the drawer kicked open, and counted in the
X and Z reports' expected cash."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from service_steps import AQUA_330, MANAGER, audit_log, outbox, payload, sell
from sqlalchemy import select

from common.errors import Conflict, DomainError, Forbidden, Unauthorized
from pos.adapters.config import StoreConfig
from pos.adapters.tables import CashMove, PrintJob
from pos.services import auth, cash_moves, sales, shifts
from pos.services.auth import Actor
from pos.services.context import StoreContext

CASHIER_1002 = {"staff_code": "1002", "pin": "2345"}


@pytest.fixture
def config(config: StoreConfig, tmp_path: Path) -> StoreConfig:
    """tests/conftest.py's store with a receipt printer (a file), so a cash movement's slip and kick are queued."""
    config.printer.kind, config.printer.file_path = "file", str(tmp_path / "printer.prn")
    return config


def rows(store: StoreContext) -> list[CashMove]:
    with store.db.sessions() as s:
        return list(s.scalars(select(CashMove)))


def drawer_jobs(store: StoreContext) -> list[PrintJob]:
    with store.db.sessions() as s:
        return list(s.scalars(select(PrintJob).where(PrintJob.kind == "cash")))


def test_a_drop_to_the_safe_is_recorded_on_the_open_shift_with_the_cashier_the_manager_the_audit_and_the_drawer(
    store: StoreContext, open_till: Actor, manager: Actor
) -> None:
    done = cash_moves.record(store, open_till, reason="safe_drop", amount=150_000, approval=MANAGER)
    assert (done["direction"], done["amount"], done["drawer_opened"], done["expected_cash"]) == (
        "out",
        150_000,
        True,
        50_000,
    )
    [row] = rows(store)
    shift = shifts.x_report(store, open_till)
    assert (row.id, row.shift_id, row.till_id) == (done["id"], shift["shift_id"], "T1")
    assert (row.staff_id, row.approved_by, row.reason) == (open_till.staff_id, manager.staff_id, "safe_drop")
    [entry] = audit_log(store, "cash_out")
    assert (entry.requested_by, entry.approved_by, entry.ref_id) == (open_till.staff_id, manager.staff_id, row.id)
    assert json.loads(entry.detail)["purpose"] == "safe_drop"
    [kick] = drawer_jobs(store)
    assert (kick.till_id, kick.ref_id, kick.state) == ("T1", row.id, "queued")


def test_the_x_and_z_count_a_drop_and_a_pay_in_in_the_expected_cash(store: StoreContext, open_till: Actor) -> None:
    sell(store, open_till, [(AQUA_330, 2)], [("cash", 10_000)])  # Rp 7.000 in cash, Rp 3.000 change
    cash_moves.record(store, open_till, reason="safe_drop", amount=150_000, approval=MANAGER)
    cash_moves.record(store, open_till, reason="store_expense", amount=12_500, note="kurir galon", approval=MANAGER)
    cash_moves.record(store, open_till, reason="more_change", amount=50_000)  # no manager needed to put cash in
    x = shifts.x_report(store, open_till)
    # float 200.000 + cash sales 7.000 - cash out 162.500 + cash in 50.000
    assert (x["cash_out"], x["cash_in"], x["expected_cash"]) == (162_500, 50_000, 94_500)
    assert x["cash_moved"] == {"out": {"safe_drop": 150_000, "store_expense": 12_500}, "in": {"more_change": 50_000}}
    z = shifts.close_shift(store, open_till, 94_500)
    assert (z["cash_out"], z["cash_in"], z["expected_cash"], z["variance"]) == (162_500, 50_000, 94_500, 0)
    closed = payload(outbox(store)[-1])
    assert (closed["cash_out"], closed["cash_in"], closed["expected_cash"]) == (162_500, 50_000, 94_500)
    assert [e.approved_by is not None for e in audit_log(store) if e.action.startswith("cash_")] == [
        True,
        True,
        False,
    ]


def test_a_pay_out_above_what_the_drawer_should_hold_is_refused_and_changes_nothing(
    store: StoreContext, open_till: Actor, facts: Any
) -> None:
    sell(store, open_till, [(AQUA_330, 1)], [("cash", 3_500)])
    before = facts()
    with pytest.raises(Conflict) as err:
        cash_moves.record(store, open_till, reason="store_expense", amount=203_501, approval=MANAGER)
    assert (err.value.code, err.value.detail["max"]) == ("drawer_short", 203_500)
    assert facts() == before and rows(store) == []
    assert (
        cash_moves.record(store, open_till, reason="safe_drop", amount=203_500, approval=MANAGER)["expected_cash"] == 0
    )


@pytest.mark.parametrize(
    ("approval", "refusal"),
    [
        (None, (Forbidden, "approval_required")),
        (CASHIER_1002, (Forbidden, "not_a_manager")),
        ({"staff_code": "9001", "pin": "0000"}, (Unauthorized, "bad_credentials")),
    ],
)
def test_cash_out_without_a_manager_or_with_a_cashiers_pin_is_refused(
    store: StoreContext, open_till: Actor, facts: Any, approval: dict[str, str] | None, refusal: tuple[type, str]
) -> None:
    before = {k: v for k, v in facts().items() if k != "audit_log"}
    with pytest.raises(refusal[0]) as err:
        cash_moves.record(store, open_till, reason="safe_drop", amount=50_000, approval=approval)
    assert err.value.code == refusal[1]
    assert {k: v for k, v in facts().items() if k != "audit_log"} == before
    assert rows(store) == [] and drawer_jobs(store) == [] and audit_log(store, "cash_out") == []


def test_a_pay_out_with_no_open_shift_is_refused_before_a_manager_is_asked(store: StoreContext, cashier: Actor) -> None:
    with pytest.raises(DomainError) as err:
        cash_moves.record(store, cashier, reason="safe_drop", amount=10_000, approval=None)
    assert err.value.code == "no_open_shift" and rows(store) == []


@pytest.mark.parametrize(
    ("reason", "amount", "note", "code"),
    [
        ("safe_drop", 0, "", "cash_amount_not_positive"),
        ("safe_drop", -5_000, "", "cash_amount_not_positive"),
        ("safe_drop", 10**12, "", "amount_too_large"),
        ("other_out", 5_000, " ", "cash_note_required"),
        ("lunch", 5_000, "", "unknown_cash_reason"),
    ],
)
def test_a_bad_amount_reason_or_missing_note_is_refused_before_a_manager_is_asked(
    store: StoreContext, open_till: Actor, reason: str, amount: int, note: str, code: str
) -> None:
    with pytest.raises(DomainError) as err:
        cash_moves.record(store, open_till, reason=reason, amount=amount, note=note, approval=None)
    assert err.value.code == code and rows(store) == []


def test_cash_moves_only_between_sales_a_parked_sale_is_no_sale_under_way(
    store: StoreContext, open_till: Actor
) -> None:
    sale = sell(store, open_till, [(AQUA_330, 1)], [], complete=False)
    with pytest.raises(Conflict) as err:
        cash_moves.record(store, open_till, reason="more_change", amount=20_000)
    assert err.value.code == "sale_under_way"
    sales.park(store, open_till, sale["id"])
    assert cash_moves.record(store, open_till, reason="more_change", amount=20_000)["expected_cash"] == 220_000


def test_a_retried_request_with_the_same_id_records_once_and_another_act_under_that_id_is_refused(
    store: StoreContext, open_till: Actor
) -> None:
    move_id = "5b0e1a52-8c1f-4d4e-9a4e-3d2f3c1b0a99"
    first = cash_moves.record(store, open_till, reason="safe_drop", amount=80_000, approval=MANAGER, move_id=move_id)
    again = cash_moves.record(store, open_till, reason="safe_drop", amount=80_000, approval=MANAGER, move_id=move_id)
    assert (first["id"], again["id"], first["replayed"], again["replayed"]) == (move_id, move_id, False, True)
    assert len(rows(store)) == 1 and len(drawer_jobs(store)) == 1 and len(audit_log(store, "cash_out")) == 1
    with pytest.raises(Conflict) as err:
        cash_moves.record(store, open_till, reason="safe_drop", amount=90_000, approval=MANAGER, move_id=move_id)
    assert err.value.code == "cash_move_id_reused"
    assert shifts.x_report(store, open_till)["cash_out"] == 80_000


def test_each_till_moves_cash_on_its_own_shift(store: StoreContext, open_till: Actor) -> None:
    t2 = auth.sign_in(store, "1002", "2345", "T2")[1]
    shifts.open_shift(store, t2, 100_000)
    cash_moves.record(store, t2, reason="safe_drop", amount=100_000, approval=MANAGER)
    with pytest.raises(Conflict):  # T2's drawer is empty now; T1's float is not T2's
        cash_moves.record(store, t2, reason="safe_drop", amount=1, approval=MANAGER)
    assert (shifts.x_report(store, open_till)["cash_out"], shifts.x_report(store, t2)["expected_cash"]) == (0, 0)
