"""A store's disk dies after refunds that reached central: `omnitoko store restore` brings them back.

The backup is taken after a cash sale; after it, one item of that sale is refunded, a member buys ten and returns
five, and everything is synced; the database is deleted and the backup restored (twice: nothing is recorded twice).
The refunds come back under their ids and numbers with no new event and no second stock movement: what they gave
back cannot be refunded again (the till's refusal), the drawer's expected cash is what it was, the member sale
brought back is the member's again (its reprint prints the points, and refunding the rest takes back exactly the
points central has not taken back yet: central accepts it). A refund in a shift opened after the backup comes back
on that shift, closed as restore_sales brings it back: the till's new drawer does not count it. A refund the restore
leaves out still marks its lines refunded as far as central's refunds went. A forged recovery answer (another
store's refund, one of a sale the store lacks, amounts past the sale's, an id twice, another member's points,
oversized) is left out refund by refund with a WARNING line. Central on SQLite and PostgreSQL.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from loyalty.loyaltykit import new_member, use_test_key
from sqlalchemy import func, select
from synckit import agents, central, connect_store, pg_url, stock_up, sync_until_clean  # noqa: F401
from synckit_store import sell
from test_restore_cash_moves import _restore  # the disk dies, the backup is put back: what it printed

from central.tables import Alert, DeadLetter, Member
from central.tables import Refund as CentralRefund
from common.errors import Conflict, DomainError
from common.money import format_money
from pos import bootstrap
from pos.adapters import backups
from pos.adapters.tables import OutboxEvent, Refund, SaleLine, Shift, StockMovement
from pos.services import auth, checkout, loyalty, receipts, refunds, shifts, till_sale
from pos.services.context import StoreContext
from sync_agent.client import CentralClient

FLOAT = 200_000
MANAGER = {"staff_code": "9001", "pin": "4321"}
AQUA_330, AQUA_600 = "8990000100010", "8990000100027"  # SKU-00001 Rp 3.500, SKU-00002 Rp 4.500


def _line(sale: dict[str, Any], sku: str) -> str:
    return str(next(l["id"] for l in sale["lines"] if l["sku"] == sku))


def _member_sale(store: StoreContext, actor: Any, phone: str) -> dict[str, Any]:
    """Ten of Rp 3.500 to a member, paid in cash: 3 points earned."""
    view, _ = till_sale.create_sale(store, actor)
    view = till_sale.add_line(store, actor, view["id"], barcode=AQUA_330, qty=10)
    loyalty.attach(store, actor, view["id"], phone=phone)
    view = till_sale.add_tender(store, actor, view["id"], "cash", view["total"], None)
    return checkout.complete(store, actor, view["id"])


def _state(store: StoreContext) -> tuple[int, dict[str, int], dict[str, int]]:
    """The open shift's expected cash, the on-hand figure per SKU and each sale line's refunded quantity."""
    with store.db.sessions() as s:
        shift = shifts.current_shift(s, "T1")
        assert shift is not None
        stock = s.execute(select(StockMovement.sku, func.sum(StockMovement.qty)).group_by(StockMovement.sku)).all()
        refunded = s.execute(select(SaleLine.id, SaleLine.refunded_qty)).all()
        return shifts.expected_cash(s, shift), {k: int(v) for k, v in stock}, {k: int(v) for k, v in refunded}


def _backup_then_refund(
    store: StoreContext, central: Any, actor: Any, agents: Any, tmp_path: Path
) -> tuple[Path, dict[str, Any], dict[str, Any], list[dict[str, Any]]]:
    """A cash sale before the backup; after it a refund of one of its items, a member sale of ten and a refund of
    five of them; all synced. Returns the backup, the two sales and the two refunds."""
    use_test_key(central)
    bootstrap.enable(store, "points")  # member sales earn points and refunds take them back
    connect_store(store, central)
    stock_up(central)
    member = new_member(central)
    agent = agents()
    shifts.open_shift(store, actor, FLOAT)
    before = sell(store, actor, [(AQUA_330, 2), (AQUA_600, 1)])
    sync_until_clean(agent)
    store.db.dispose()
    backup = backups.take(backups.sqlite_path(store.config.database.url), tmp_path / "usb", store.store_id, keep=3)
    first = refunds.refund(store, actor, before["number"], [(_line(before, "SKU-00001"), 1)], MANAGER)
    after = _member_sale(store, actor, member["phone"])
    second = refunds.refund(store, actor, after["number"], [(_line(after, "SKU-00001"), 5)], MANAGER)
    assert second["loyalty"]["reversed"] == 2  # 3 earned on Rp 35.000; half of it back takes 2 (rounded up)
    sync_until_clean(agent)
    agent.close()
    return backup, before, after, [first, second]


def _answered(monkeypatch: pytest.MonkeyPatch, change: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
    """Central's recovery answer, as `change` makes it."""
    real = CentralClient.recovery
    monkeypatch.setattr(CentralClient, "recovery", lambda self, after_seq: change(real(self, after_seq)))


def _unsent(store: StoreContext) -> list[str]:
    with store.db.sessions() as s:
        return list(s.scalars(select(OutboxEvent.type).where(OutboxEvent.acked_at.is_(None))))


def test_refunds_after_the_backup_come_back_and_what_they_gave_back_cannot_be_refunded_again(
    central: Any, store: StoreContext, cashier: Any, agents: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    backup, before, after, done = _backup_then_refund(store, central, cashier, agents, tmp_path)
    drawer, stock, refunded = _state(store)
    assert drawer == FLOAT + before["total"] + after["total"] - 3_500 - 17_500

    for _ in range(2):  # a restore run twice records each refund once
        said = _restore(store, backup, tmp_path, capsys)
        print(said)
        assert f"their refunds were recorded here again under the same numbers (2, {format_money(21_000)})" in said
        assert "WARNING" not in said
        assert _state(store) == (drawer, stock, refunded), "the drawer, the stock and the lines as before the disk died"
        with store.db.sessions() as s:
            back = s.execute(select(Refund.id, Refund.number, Refund.amount).order_by(Refund.number)).all()
            again = s.scalar(select(func.count()).where(StockMovement.ref_id.in_([r["id"] for r in done])))
        assert [tuple(r) for r in back] == [(r["id"], r["number"], r["amount"]) for r in done]
        assert again == 0, "a refund's stock comes back once: with the restore's movement of central's events"
    assert _unsent(store) == [], "central has them: nothing is sent again"

    cashier = auth.sign_in(store, "1001", "1234", "T1")[1]
    with pytest.raises(DomainError, match="only 1 of SKU-00001 can still be refunded"):
        refunds.refund(store, cashier, before["number"], [(_line(before, "SKU-00001"), 2)], MANAGER)
    assert (
        refunds.refund(store, cashier, before["number"], [(_line(before, "SKU-00001"), 1)], MANAGER)["amount"] == 3_500
    )
    with pytest.raises(Conflict, match="already refunded in full"):
        refunds.refund(store, cashier, before["number"], [(_line(before, "SKU-00001"), 1)], MANAGER)

    with pytest.raises(DomainError, match="only 5 of SKU-00001 can still be refunded"):
        refunds.refund(store, cashier, after["number"], [(_line(after, "SKU-00001"), 6)], MANAGER)
    reprint = receipts.get_receipt(store, after["number"])  # the member sale brought back is the member's
    assert (reprint.points_earned, reprint.member_number) == (3, after["loyalty"]["number"])
    rest = refunds.refund(store, cashier, after["number"], [(_line(after, "SKU-00001"), 5)], MANAGER)
    assert (rest["amount"], rest["loyalty"]["reversed"]) == (17_500, 1), "what central has not taken back yet"
    agent = agents()
    sync_until_clean(agent)
    assert central.count(DeadLetter) == 0, "central accepts the refunds and their points"
    assert central.count(Alert) == 0, central.rows(select(Alert.kind, Alert.message))
    assert central.rows(select(func.count()).select_from(CentralRefund)) == [(4,)]
    assert central.rows(select(Member.balance)) == [(0,)]


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
def test_a_refund_in_a_shift_opened_after_the_backup_comes_back_on_that_shift_closed_at_central(
    central: Any, store: StoreContext, cashier: Any, agents: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    connect_store(store, central)
    stock_up(central)
    store.db.dispose()
    backup = backups.take(backups.sqlite_path(store.config.database.url), tmp_path / "usb", store.store_id, keep=3)
    shifts.open_shift(store, cashier, FLOAT)
    sale = sell(store, cashier, [(AQUA_330, 2)])
    done = refunds.refund(store, cashier, sale["number"], [(_line(sale, "SKU-00001"), 2)], MANAGER)
    agent = agents()
    sync_until_clean(agent)
    agent.close()

    said = _restore(store, backup, tmp_path, capsys)
    print(said)
    assert "WARNING" not in said and f"till T1: 1 refunds, {format_money(7_000)} ({done['number']} .." in said
    with store.db.sessions() as s:
        row = s.get(Refund, done["id"])
        assert row is not None and row.shift_id is not None
        shift = s.get(Shift, row.shift_id)
        assert shift is not None and shift.state == "closed", "its drawer is the shift central holds"
        assert shifts.current_shift(s, "T1") is None
    cashier = auth.sign_in(store, "1001", "1234", "T1")[1]
    shifts.open_shift(store, cashier, FLOAT)
    with pytest.raises(Conflict, match="already refunded in full"):
        refunds.refund(store, cashier, sale["number"], [(_line(sale, "SKU-00001"), 1)], MANAGER)
    assert _state(store)[0] == FLOAT, "the new drawer counts neither the sale nor its refund"


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
def test_a_refund_the_restore_leaves_out_still_cannot_be_given_back_twice(
    central: Any,
    store: StoreContext,
    cashier: Any,
    agents: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    backup, before, _, done = _backup_then_refund(store, central, cashier, agents, tmp_path)
    # as if the backup's sale had been refunded past what a restore reads
    _answered(monkeypatch, lambda answer: answer | {"refunds_completed_after": answer["refunds_completed_after"][1:]})
    said = _restore(store, backup, tmp_path, capsys)
    print(said)
    assert f"1 sale lines (SKU-00001 of sale {before['id']}) are marked refunded as far as central's" in said
    with store.db.sessions() as s:
        assert s.get(Refund, done[0]["id"]) is None
    cashier = auth.sign_in(store, "1001", "1234", "T1")[1]
    with pytest.raises(DomainError, match="only 1 of SKU-00001 can still be refunded"):
        refunds.refund(store, cashier, before["number"], [(_line(before, "SKU-00001"), 2)], MANAGER)


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
def test_a_forged_recovery_answer_records_no_refund_it_should_not(
    central: Any,
    store: StoreContext,
    cashier: Any,
    agents: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    backup, before, after, done = _backup_then_refund(store, central, cashier, agents, tmp_path)
    drawer, _, refunded = _state(store)

    def forged(answer: dict[str, Any]) -> dict[str, Any]:
        first, second = answer["refunds_completed_after"]
        assert (first["id"], second["id"]) == (done[0]["id"], done[1]["id"])

        def refund(n: int, of: dict[str, Any] = first, **changed: Any) -> dict[str, Any]:
            return {**of, "id": str(uuid.uuid4()), "number": f"TOKO-01-T1-90000{n}"} | changed

        line = first["lines"][0]
        answer["refunds_completed_after"] += [
            refund(1, store_id="TOKO-02"),
            refund(2, sale_id=str(uuid.uuid4())),
            refund(3, lines=[line | {"amount": line["amount"] + 1_000}], amount=first["amount"] + 1_000),
            refund(4, amount=first["amount"] + 500),
            refund(5, lines=[line | {"qty": 2}], amount=7_000),
            refund(6, lines=[line | {"sale_line_id": str(uuid.uuid4())}]),
            {**first, "number": "TOKO-01-T1-900007"},  # the id of a refund named already
            refund(8, second, points=[p | {"member_id": str(uuid.uuid4())} for p in second["points"]]),
            "not a refund",
            refund(9, lines=[line] * 1001),  # oversized
        ]
        answer["refunds_completed_more"] = True
        return answer

    _answered(monkeypatch, forged)
    said = _restore(store, backup, tmp_path, capsys)
    print(said)
    warnings = [line for line in said.splitlines() if line.startswith("  WARNING: ")]
    for why in (
        "central holds more refunds after the backup than the 12 read",
        "it is of store 'TOKO-02', not TOKO-01",
        "is not a completed sale here",
        "gives back Rp 3.500, not Rp 4.500",
        "it pays back Rp 4.000; its lines come to Rp 3.500",
        "only 1 of SKU-00001 can still be refunded",
        "is not a line of sale",
        "central names it (its id or its number) twice",
        "not the sale's",
        "not a refund",
        "lines: List should have at most 1000 items",
    ):
        assert any(why in w for w in warnings), (why, warnings)
    assert len(warnings) == 11, said
    assert "recorded here again under the same numbers (2," in said  # the real refunds still come back
    with store.db.sessions() as s:
        numbers = set(s.scalars(select(Refund.number)))
    assert numbers == {r["number"] for r in done}
    assert _state(store)[0::2] == (drawer, refunded)


def _refund_in_a_later_shift(
    store: StoreContext, central: Any, cashier: Any, agents: Any, tmp_path: Path
) -> tuple[Path, dict[str, Any], str, Any]:
    """The backup has Siti's shift open after a sale; after it she closes it, Budi opens his and refunds that sale
    (Dewi approves) before he sells anything: the restore's guess would put the refund on Siti's shift, as hers
    and approved by her. Returns the backup, the refund, Budi's shift and Budi."""
    connect_store(store, central)
    stock_up(central)
    agent = agents()
    shifts.open_shift(store, cashier, FLOAT)
    before = sell(store, cashier, [(AQUA_330, 2)])
    sync_until_clean(agent)
    store.db.dispose()
    backup = backups.take(backups.sqlite_path(store.config.database.url), tmp_path / "usb", store.store_id, keep=3)
    shifts.close_shift(store, cashier, FLOAT + before["total"])
    budi = auth.sign_in(store, "1002", "2345", "T1")[1]
    his = shifts.open_shift(store, budi, FLOAT)["id"]
    done = refunds.refund(store, budi, before["number"], [(_line(before, "SKU-00001"), 1)], MANAGER)
    sell(store, budi, [(AQUA_600, 1)])  # his shift comes back with this sale (restore_sales)
    sync_until_clean(agent)
    agent.close()
    return backup, done, str(his), budi


def test_a_refund_comes_back_on_its_own_shift_with_its_own_cashier_and_approver(
    central: Any, store: StoreContext, cashier: Any, manager: Any, agents: Any, tmp_path: Path, capsys: Any
) -> None:
    backup, done, his, budi = _refund_in_a_later_shift(store, central, cashier, agents, tmp_path)
    with central.ctx.db.sessions() as cs:
        kept = cs.get(CentralRefund, done["id"])
        assert kept is not None and (kept.staff_id, kept.approved_by, kept.shift_id) == (
            budi.staff_id,
            manager.staff_id,
            his,
        )
    said = _restore(store, backup, tmp_path, capsys)
    assert "WARNING" not in said, said
    with store.db.sessions() as s:
        row = s.get(Refund, done["id"])
        assert row is not None
        assert (row.shift_id, row.staff_id, row.approved_by) == (his, budi.staff_id, manager.staff_id)
        shift = s.get(Shift, his)
        assert shift is not None and shift.opened_at <= row.created_at <= (shift.closed_at or row.created_at)


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
def test_a_refund_whose_shift_or_people_the_store_does_not_know_keeps_the_restores_guess(
    central: Any,
    store: StoreContext,
    cashier: Any,
    agents: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    backup, done, his, _ = _refund_in_a_later_shift(store, central, cashier, agents, tmp_path)
    forged = {"shift_id": str(uuid.uuid4()), "staff_id": str(uuid.uuid4()), "approved_by": "x" * 5000}

    def answer(real: dict[str, Any]) -> dict[str, Any]:
        [refund] = real["refunds_completed_after"]
        assert refund["shift_id"] == his, "central names the refund's real shift"
        real["refunds_completed_after"] = [refund | forged]
        return real

    _answered(monkeypatch, answer)
    said = _restore(store, backup, tmp_path, capsys)
    assert "WARNING" not in said, said
    with store.db.sessions() as s:
        row = s.get(Refund, done["id"])
        assert row is not None, "the refund still comes back"
        assert row.shift_id not in (forged["shift_id"], his)
        assert row.staff_id == row.approved_by == cashier.staff_id, "the guess: the shift's cashier"
