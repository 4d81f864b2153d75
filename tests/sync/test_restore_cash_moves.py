"""A store's disk dies after a pay-out that reached central: `omnitoko store restore` brings the pay-out back.

The backup is taken with the shift open; a pay-out follows and is synced; the database is deleted and the backup
restored. The restore records the pay-out central holds again (same id, no new event), prints it, and the shift's
expected cash is what the drawer holds: the Z closes with no variance and central accepts it against the moves it
holds (it would refuse a Z that left the pay-out out). A forged recovery answer (another store's move, amounts out
of range, no manager on a pay-out) is refused move by move with a line saying why. Central on SQLite and PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from servekit import free_port
from sqlalchemy import select
from synckit import agents, central, connect_store, pg_url, sync_until_clean  # noqa: F401
from synckit_store import write_store_toml

from central.tables import Alert, CashMoveRecord, DeadLetter, ShiftRecord
from common.contract.names import EventType
from common.limits import MAX_AMOUNT
from omnitoko.cli import main
from pos.adapters import backups
from pos.adapters.tables import CashMove, OutboxEvent
from pos.services import auth, cash_moves, shifts
from pos.services.context import StoreContext
from sync_agent.client import CentralClient

FLOAT, PAY_IN, PAY_OUT = 200_000, 50_000, 150_000
MANAGER = {"staff_code": "9001", "pin": "4321"}


def _backup_then_pay_out(store: StoreContext, central: Any, open_till: Any, agents: Any, tmp_path: Path) -> Path:
    """A pay-in before the backup, a pay-out after it; both synced. Returns the backup."""
    connect_store(store, central)
    cash_moves.record(store, open_till, reason="more_change", amount=PAY_IN)
    agent = agents()
    sync_until_clean(agent)
    store.db.dispose()
    backup = backups.take(backups.sqlite_path(store.config.database.url), tmp_path / "usb", store.store_id, keep=3)
    cash_moves.record(store, open_till, reason="safe_drop", amount=PAY_OUT, approval=MANAGER)
    sync_until_clean(agent)
    agent.close()
    return backup


def _restore(store: StoreContext, backup: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """The disk dies (the database is deleted) and the backup is restored; returns what the restore printed."""
    cfg = store.config.model_copy(deep=True)
    cfg.server.port = free_port()
    config_file = write_store_toml(tmp_path / "restore.toml", cfg)
    store.db.dispose()
    db_file = backups.sqlite_path(cfg.database.url)
    for suffix in ("", "-wal", "-shm"):
        db_file.with_name(db_file.name + suffix).unlink(missing_ok=True)
    capsys.readouterr()
    assert main(["store", "restore", str(backup), "--config", str(config_file)]) == 0
    return capsys.readouterr().out


def restore_warned(
    store: StoreContext, backup: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], whys: list[str]
) -> str:
    """Restore (as _restore) and check it printed a WARNING line for each of `whys` and no other; what it printed."""
    said = _restore(store, backup, tmp_path, capsys)
    print(said)
    warnings = [line for line in said.splitlines() if line.startswith("  WARNING: ")]
    assert len(warnings) == len(whys), said
    for why in whys:
        assert any(why in w for w in warnings), (why, warnings)
    return said


def _drawer(store: StoreContext) -> tuple[int, list[tuple[str, int]]]:
    """The open shift's expected cash and its moves (reason, amount)."""
    with store.db.sessions() as s:
        shift = shifts.current_shift(s, "T1")
        assert shift is not None
        moves = s.execute(select(CashMove.reason, CashMove.amount).where(CashMove.shift_id == shift.id)).all()
        return shifts.expected_cash(s, shift), sorted((r, int(a)) for r, a in moves)


def test_a_pay_out_after_the_backup_comes_back_and_the_z_adds_up_at_central(
    central: Any, store: StoreContext, open_till: Any, agents: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    backup = _backup_then_pay_out(store, central, open_till, agents, tmp_path)
    [move_id] = [r[0] for r in central.rows(select(CashMoveRecord.id).where(CashMoveRecord.reason == "safe_drop"))]

    for _ in range(2):  # a restore run twice (the first one interrupted, say) records the pay-out once
        said = _restore(store, backup, tmp_path, capsys)
        print(said)
        assert "their cash moves were recorded here again under the same ids (1):" in said
        assert "cash out Rp 150.000 (safe_drop)" in said
        assert "WARNING" not in said
        assert _drawer(store) == (FLOAT + PAY_IN - PAY_OUT, [("more_change", PAY_IN), ("safe_drop", PAY_OUT)])
    with store.db.sessions() as s:
        assert s.get(CashMove, move_id) is not None, "recorded under central's id"
        unsent = s.scalars(select(OutboxEvent.type).where(OutboxEvent.acked_at.is_(None))).all()
    assert EventType.CASH_MOVED not in unsent, "central has the pay-out: it is not sent again"

    cashier = auth.sign_in(store, "1001", "1234", "T1")[1]
    z = shifts.close_shift(store, cashier, FLOAT + PAY_IN - PAY_OUT)
    assert (z["expected_cash"], z["variance"], z["cash_out"], z["cash_in"]) == (100_000, 0, PAY_OUT, PAY_IN)
    agent = agents()
    sync_until_clean(agent)
    assert central.rows(select(ShiftRecord.state, ShiftRecord.variance).where(ShiftRecord.id == z["shift_id"])) == [
        ("closed", 0)
    ], "central held the Z to its two moves and accepted it"
    assert central.count(CashMoveRecord) == 2
    assert central.count(DeadLetter) == 0
    assert central.count(Alert) == 0, central.rows(select(Alert.kind, Alert.message))


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
def test_a_forged_recovery_answer_records_no_cash_move_it_should_not(
    central: Any,
    store: StoreContext,
    open_till: Any,
    agents: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    backup = _backup_then_pay_out(store, central, open_till, agents, tmp_path)
    real = CentralClient.recovery

    def forged(self: CentralClient, after_seq: int) -> dict[str, Any]:
        answer = real(self, after_seq)
        [good] = answer["cash_moves_after"]
        out = {**good, "reason": "store_expense", "note": ""}

        def move(n: int, **changed: Any) -> dict[str, Any]:
            return {**out, "move_id": f"00000000-0000-4000-8000-00000000000{n}", **changed}

        answer["cash_moves_after"] += [
            move(1, store_id="TOKO-02"),
            move(2, amount=MAX_AMOUNT + 1),
            move(3, amount=-5_000),
            move(4, amount="9000"),
            move(5, approved_by=None),
            move(6, direction="in"),
            move(7, shift_id="00000000-0000-4000-8000-0000000000ff"),
            "not a move",
        ]
        return answer

    monkeypatch.setattr(CentralClient, "recovery", forged)
    said = _restore(store, backup, tmp_path, capsys)
    print(said)
    warnings = [line for line in said.splitlines() if line.startswith("  WARNING: ")]
    assert len(warnings) == 8, said
    for why in (
        "it is of store 'TOKO-02', not TOKO-01",
        "a cash movement cannot be more than Rp 999.999.999.999",
        "the amount must be more than Rp 0",
        "amount: Input should be a valid integer",
        "with no manager named",
        "store_expense moves cash out, not in",
        "is not in the backup (opened after it)",
        "not a cash move",
    ):
        assert any(why in w for w in warnings), (why, warnings)
    assert "recorded here again under the same ids (1):" in said  # the real pay-out still comes back
    assert _drawer(store) == (FLOAT + PAY_IN - PAY_OUT, [("more_change", PAY_IN), ("safe_drop", PAY_OUT)])
