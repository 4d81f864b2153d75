"""A store's disk dies after the cashier closed the shift (Z taken, synced): `omnitoko store restore` closes it too.

The backup is taken with the shift open; a sale follows, the cashier counts the drawer Rp 500 short and takes the
Z, the agent syncs; the database is deleted and the backup restored. Central names the shift its events closed
after the backup with the Z the till sent, and the restore closes the shift the backup holds open with that Z (its
counted cash, expected cash and variance; no new event), prints it, and the manager's shifts page shows it closed
with its Z; the till's next sign-in finds no open shift and opens a new one with its float, which central accepts.
A shift opened after the backup, brought back closed with its sales, gets its Z too. A forged recovery answer
(another store's or till's shift, an unknown one, figures that are not numbers or out of range, a variance that is
not counted less expected, a Z before the shift's last sale, another Z for a shift the backup holds closed) is left
out shift by shift with a WARNING line. Central on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from integration.test_manager_pages import Browser
from sqlalchemy import select
from synckit import agents, central, connect_store, pg_url, stock_up, sync_until_clean  # noqa: F401
from synckit_store import sell
from test_restore_cash_moves import _restore, restore_warned  # the disk dies, the backup is put back

from central.tables import Alert, DeadLetter, ShiftRecord
from common.contract.names import EventType
from common.limits import MAX_AMOUNT
from common.money import format_money
from pos.adapters import backups
from pos.adapters.tables import OutboxEvent, Shift
from pos.services import shifts
from pos.services.context import StoreContext
from sync_agent.client import CentralClient

FLOAT, SHORT = 200_000, 500
AQUA_330, AQUA_600 = "8990000100010", "8990000100027"  # Rp 3.500, Rp 4.500


def _backup_then_close(
    store: StoreContext,
    central: Any,
    cashier: Any,
    agents: Any,
    tmp_path: Path,
    open_first: bool = True,
    earlier: list[str] | None = None,
    sell_after: bool = True,
) -> tuple[Path, dict[str, Any]]:
    """A sale before the backup (`open_first`: its shift open in the backup), a sale after it, then the Z counted
    Rp 500 short; all synced. Returns the backup and the Z. `earlier`: a shift opened and closed before all that
    (its id appended); `sell_after` False: the Z follows the backup with no sale between."""
    connect_store(store, central)
    stock_up(central)
    agent = agents()
    if earlier is not None:
        earlier.append(shifts.open_shift(store, cashier, FLOAT)["id"])
        shifts.close_shift(store, cashier, FLOAT)
    if open_first:
        shifts.open_shift(store, cashier, FLOAT)
        sell(store, cashier, [(AQUA_330, 1)])
    sync_until_clean(agent)
    store.db.dispose()
    backup = backups.take(backups.sqlite_path(store.config.database.url), tmp_path / "usb", store.store_id, keep=3)
    if not open_first:
        shifts.open_shift(store, cashier, FLOAT)
    if sell_after:
        sell(store, cashier, [(AQUA_330, 2), (AQUA_600, 1)])
    with store.db.sessions() as s:
        shift = shifts.current_shift(s, "T1")
        assert shift is not None
        expected = shifts.expected_cash(s, shift)
    z = shifts.close_shift(store, cashier, expected - SHORT)
    sync_until_clean(agent)
    agent.close()
    return backup, z


def _cells(html: str, till: str) -> list[str]:
    """The texts of the cells of the manager's shift table's row for `till`."""
    at = html.index(f">{till}</td>")
    row = html[html.rindex("<tr", 0, at) :]
    row = row[: row.index("</tr>")]
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def _shift(store: StoreContext, shift_id: str) -> tuple[Any, ...]:
    with store.db.sessions() as s:
        sh = s.get(Shift, shift_id)
        assert sh is not None
        report = json.loads(sh.report_json or "{}")
        return sh.state, sh.counted_cash, sh.expected_cash, report.get("variance"), report.get("closed_at")


def test_a_shift_closed_at_its_till_after_the_backup_is_closed_with_its_z_and_the_till_opens_a_new_one(
    central: Any, store: StoreContext, cashier: Any, agents: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from pos.web.app import create_app

    backup, z = _backup_then_close(store, central, cashier, agents, tmp_path)
    counted, expected = z["counted_cash"], z["expected_cash"]
    assert (expected, z["variance"]) == (FLOAT + 3_500 + 11_500, -SHORT)

    for _ in range(2):  # a restore run twice (the first one interrupted, say) closes the shift once, the same way
        said = _restore(store, backup, tmp_path, capsys)
        print(said)
        assert "shifts closed at central after the backup, closed here with their Z (1):" in said
        assert (
            f"shift {z['shift_id'][:8]}: Z at {z['closed_at'][:16]}, counted {format_money(counted)}, expected "
            f"{format_money(expected)}, variance -Rp 500" in said
        )
        assert "WARNING" not in said
        assert _shift(store, z["shift_id"]) == ("closed", counted, expected, -SHORT, z["closed_at"])
        with store.db.sessions() as s:
            assert shifts.current_shift(s, "T1") is None, "no shift shows open on the till"
            unsent = set(s.scalars(select(OutboxEvent.type).where(OutboxEvent.acked_at.is_(None))))
        assert EventType.SHIFT_CLOSED not in unsent, "central has the Z: it is not sent again"

    web = Browser(create_app(store.config, store.db))
    assert web.sign_in().status_code == 302
    page = web.get("/manager/shifts?lang=id").get_data(as_text=True)
    row = _cells(page, "T1")
    assert row[-3:] == [format_money(expected), format_money(counted), "-Rp 500"], row
    assert row[3] != "", "closed, at the Z's time"
    z_page = web.get(f"/manager/shifts/{z['shift_id']}?lang=id").get_data(as_text=True)
    assert "Laporan Z · T1" in z_page
    assert f'id="counted-cash">{format_money(counted)}<' in z_page and 'id="variance">-Rp 500<' in z_page

    till = create_app(store.config, store.db).test_client()
    token = till.post("/api/v1/session", json={"staff_code": "1001", "pin": "1234", "till_id": "T1"}).json["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    asked = till.get("/api/v1/shifts/current", headers=bearer)
    assert asked.status_code == 404 and "no_open_shift" in asked.get_data(as_text=True), "the till asks for a float"
    assert till.post("/api/v1/shifts", json={"opening_float": FLOAT}, headers=bearer).status_code == 201
    agent = agents()
    sync_until_clean(agent)
    assert central.rows(select(ShiftRecord.state).where(ShiftRecord.id == z["shift_id"])) == [("closed",)]
    assert central.count(ShiftRecord) == 2, "the new shift reached central"
    assert central.count(DeadLetter) == 0
    assert central.count(Alert) == 0, central.rows(select(Alert.kind, Alert.message))


def test_a_shift_closed_with_nothing_sold_after_the_backup_is_closed_with_its_z_too(
    central: Any, store: StoreContext, cashier: Any, agents: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Central finds the shift by its Z alone (no sale, refund or cash move of it after the backup)."""
    backup, z = _backup_then_close(store, central, cashier, agents, tmp_path, sell_after=False)
    assert (z["expected_cash"], z["variance"]) == (FLOAT + 3_500, -SHORT)
    said = _restore(store, backup, tmp_path, capsys)
    print(said)
    assert "closed here with their Z (1):" in said and "WARNING" not in said
    assert _shift(store, z["shift_id"]) == ("closed", z["counted_cash"], z["expected_cash"], -SHORT, z["closed_at"])
    with store.db.sessions() as s:
        assert shifts.current_shift(s, "T1") is None


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
def test_a_shift_opened_after_the_backup_comes_back_closed_with_its_z(
    central: Any, store: StoreContext, cashier: Any, agents: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    backup, z = _backup_then_close(store, central, cashier, agents, tmp_path, open_first=False)
    said = _restore(store, backup, tmp_path, capsys)
    print(said)
    assert "was opened after the backup: it is back as closed" in said
    assert "variance -Rp 500 (brought back above)" in said
    assert "WARNING" not in said
    assert _shift(store, z["shift_id"]) == ("closed", z["counted_cash"], z["expected_cash"], -SHORT, z["closed_at"])


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
def test_a_forged_recovery_answer_closes_no_shift_it_should_not(
    central: Any,
    store: StoreContext,
    cashier: Any,
    agents: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    earlier: list[str] = []  # a shift closed before the backup, with its own Z
    backup, z = _backup_then_close(store, central, cashier, agents, tmp_path, earlier=earlier)
    real = CentralClient.recovery

    def forged(self: CentralClient, after_seq: int) -> dict[str, Any]:
        answer = real(self, after_seq)
        [good] = answer["shifts_closed_after"]
        assert good["shift_id"] == z["shift_id"]

        def shift(report: dict[str, Any] | None = None, **changed: Any) -> dict[str, Any]:
            return {**good, **changed, "report": {**good["report"], **(report or {})}}

        unknown = "00000000-0000-4000-8000-0000000000ff"
        answer["shifts_closed_after"] = [  # before the real one: what is refused changes nothing
            shift(store_id="TOKO-02"),
            shift({"till_id": "T2"}, till_id="T2"),
            shift({"shift_id": unknown}, shift_id=unknown),
            shift({"counted_cash": "9000"}),
            shift({"counted_cash": MAX_AMOUNT + 1, "variance": MAX_AMOUNT + 1 - z["expected_cash"]}),
            shift({"variance": 0}, variance=0),
            shift({"closed_at": "2000-01-01T00:00:00"}),
            shift(
                {"shift_id": earlier[0], "counted_cash": FLOAT + 1, "variance": 1, "expected_cash": FLOAT},
                shift_id=earlier[0],
                counted_cash=FLOAT + 1,
                variance=1,
                expected_cash=FLOAT,
            ),
            {**good, "report": None},
            "not a shift",
            good,
            good,  # named twice: closed once, the second time left as it is (no warning)
        ]
        return answer

    monkeypatch.setattr(CentralClient, "recovery", forged)
    whys = [
        "it is of store 'TOKO-02', not TOKO-01",
        "it is of till T1 in the backup, not T2",
        "the backup has no such shift",
        "report.counted_cash: Input should be a valid integer",
        "report.counted_cash: Input should be less than or equal to 999999999999",
        "a variance of -Rp 500, not Rp 0",
        "its Z was taken at 2000-01-01T00:00, before the shift's last sale or start",
        "the backup holds it closed with another Z (counted Rp 200.000)",
        "central keeps no Z of it",
        "not a shift",
    ]
    said = restore_warned(store, backup, tmp_path, capsys, whys)
    assert "closed here with their Z (1):" in said  # the real one is still closed
    assert _shift(store, z["shift_id"]) == ("closed", z["counted_cash"], z["expected_cash"], -SHORT, z["closed_at"])
    assert _shift(store, earlier[0])[:2] == ("closed", FLOAT), "the earlier shift keeps its own Z"
