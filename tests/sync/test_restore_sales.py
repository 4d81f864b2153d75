"""A store's disk dies after sales that reached central: `omnitoko store restore` brings the sales back.

The backup is taken with the shift open; a cash sale and a card sale follow and are synced; the database is deleted
and the backup restored. The restore records the sales central holds again (same ids and numbers, no new event, no
second stock movement) and prints them: the till finds each by number and reprints it, the shift's expected cash
counts the cash sale, and a shopper's return of the cash sale is refunded here and accepted by central. Central is
asked one sale a page (its page size made 1), so the restore reads every page, up to its bound (past it, a WARNING
says the rest stay at central). A sale of a shift opened after the
backup comes back with that shift closed at central; a sale the backup holds open (copied mid-sale) comes back
completed as central holds it; a line central's refund took back is not refunded again. A forged recovery answer
(another store's sale, lines that do not add up, negative or oversized amounts, an unknown till, an id twice,
points) is refused sale by sale with a WARNING line. Central on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from synckit import agents, central, connect_store, pg_url, stock_up, sync_until_clean  # noqa: F401
from synckit_store import sell
from test_restore_cash_moves import _restore  # the disk dies, the backup is put back: what it printed

from central.services import recovery_sales
from central.tables import Alert, DeadLetter, Refund
from common.contract.names import EventType
from common.errors import Conflict, NotFound
from common.limits import MAX_AMOUNT
from common.money import format_money
from omnitoko import backup_cli
from pos.adapters import backups
from pos.adapters.tables import OutboxEvent, Sale, Shift, StockMovement
from pos.services import auth, checkout, receipts, refunds, sale_views, shifts, till_sale, transactions
from pos.services.context import StoreContext
from pos.services.restore import RESTORE_REASON
from sync_agent.client import CentralClient

FLOAT = 200_000
MANAGER = {"staff_code": "9001", "pin": "4321"}
AQUA_330, AQUA_600 = "8990000100010", "8990000100027"  # SKU-00001 Rp 3.500, SKU-00002 Rp 4.500


def _card_sale(store: StoreContext, actor: Any) -> dict[str, Any]:
    view, _ = till_sale.create_sale(store, actor)
    view = till_sale.add_line(store, actor, view["id"], barcode=AQUA_600, qty=3)
    view = till_sale.add_tender(store, actor, view["id"], "card", view["total"], None)
    return checkout.complete(store, actor, view["id"])


def _backup_then_sell(
    store: StoreContext,
    central: Any,
    actor: Any,
    agents: Any,
    tmp_path: Path,
    open_first: bool = True,
    then: Callable[[dict[str, Any]], Any] = lambda _sale: None,
) -> tuple[Path, list[dict[str, Any]]]:
    """A sale before the backup, a cash and a card sale after it (`then` done with the cash sale); all synced.
    Returns the backup and those two sales."""
    connect_store(store, central)
    stock_up(central)
    agent = agents()
    if open_first:
        shifts.open_shift(store, actor, FLOAT)
        sell(store, actor, [(AQUA_330, 1)])
    sync_until_clean(agent)
    store.db.dispose()
    backup = backups.take(backups.sqlite_path(store.config.database.url), tmp_path / "usb", store.store_id, keep=3)
    if not open_first:
        shifts.open_shift(store, actor, FLOAT)
    after = [sell(store, actor, [(AQUA_330, 2), (AQUA_600, 1)]), _card_sale(store, actor)]
    then(after[0])
    sync_until_clean(agent)
    agent.close()
    return backup, after


def _unsent(store: StoreContext) -> list[str]:
    with store.db.sessions() as s:
        return list(s.scalars(select(OutboxEvent.type).where(OutboxEvent.acked_at.is_(None))))


def test_sales_after_the_backup_come_back_and_a_shoppers_return_is_refunded_and_accepted_by_central(
    central: Any,
    store: StoreContext,
    cashier: Any,
    agents: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    backup, (cash_sale, card_sale) = _backup_then_sell(store, central, cashier, agents, tmp_path)
    monkeypatch.setattr(recovery_sales, "MAX_SALES", 1)  # one sale a page: the restore asks for the second page
    total = cash_sale["total"] + card_sale["total"]

    for _ in range(2):  # a restore run twice (the first one interrupted, say) records each sale once
        said = _restore(store, backup, tmp_path, capsys)
        print(said)
        assert f"their sales were recorded here again under the same numbers (2, {format_money(total)})" in said
        assert f"till T1: 2 sales, {format_money(total)}" in said
        assert "WARNING" not in said
        with store.db.sessions() as s:
            assert s.scalar(select(func.count()).select_from(Sale).where(Sale.state == "completed")) == 3
            shift = shifts.current_shift(s, "T1")
            assert shift is not None
            assert shifts.expected_cash(s, shift) == FLOAT + 3_500 + cash_sale["total"], "the cash sale is counted"
            moved = s.scalar(select(func.sum(StockMovement.qty)).where(StockMovement.reason == RESTORE_REASON))
            by_sale = s.scalar(select(func.count()).where(StockMovement.ref_id.in_([cash_sale["id"], card_sale["id"]])))
        assert (moved, by_sale) == (-6, 0), "the stock of the two sales is moved once, by the restore"
    assert not {EventType.SALE_COMPLETED, EventType.SHIFT_OPENED} & set(_unsent(store)), "central has them"

    for sale in (cash_sale, card_sale):
        again = sale_views.get_sale(store, sale["number"])
        assert (again["id"], again["state"], again["total"], again["tenders"][0]["type"]) == (
            sale["id"],
            "completed",
            sale["total"],
            sale["tenders"][0]["type"],
        )
        assert [(l["sku"], l["qty"], l["net"]) for l in again["lines"]] == [
            (l["sku"], l["qty"], l["net"]) for l in sale["lines"]
        ]
        assert receipts.get_receipt(store, sale["number"]) is not None  # the reprint by number
    cashier = auth.sign_in(store, "1001", "1234", "T1")[1]
    listed = transactions.find(store, cashier, "number", cash_sale["number"])["items"]
    assert [r["number"] for r in listed] == [cash_sale["number"]]

    returned = next(l for l in cash_sale["lines"] if l["sku"] == "SKU-00002")
    done = refunds.refund(store, cashier, cash_sale["number"], [(returned["id"], 1)], MANAGER)
    assert done["amount"] == 4_500
    with store.db.sessions() as s:
        shift = shifts.current_shift(s, "T1")
        assert shift is not None
        assert shifts.expected_cash(s, shift) == FLOAT + 3_500 + cash_sale["total"] - 4_500
    assert _unsent(store) == [EventType.REFUND_COMPLETED], "the refund is the one event to send"
    agent = agents()
    sync_until_clean(agent)
    assert central.rows(select(Refund.sale_id, Refund.amount)) == [(cash_sale["id"], 4_500)]
    assert central.count(DeadLetter) == 0
    assert central.count(Alert) == 0, central.rows(select(Alert.kind, Alert.message))


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
def test_a_sale_of_a_shift_opened_after_the_backup_comes_back_with_its_shift_closed_at_central(
    central: Any, store: StoreContext, cashier: Any, agents: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    backup, (cash_sale, _) = _backup_then_sell(store, central, cashier, agents, tmp_path, open_first=False)
    said = _restore(store, backup, tmp_path, capsys)
    print(said)
    assert "was opened after the backup: it is back as closed (its Z is central's)" in said
    with store.db.sessions() as s:
        sale = s.get(Sale, cash_sale["id"])
        assert sale is not None and sale.number == cash_sale["number"]
        shift = s.get(Shift, sale.shift_id)
        assert shift is not None and (shift.state, shift.opening_float) == ("closed", FLOAT)
        assert shifts.current_shift(s, "T1") is None
    cashier = auth.sign_in(store, "1001", "1234", "T1")[1]
    shifts.open_shift(store, cashier, FLOAT)  # the till opens a shift of its own, and refunds the sale there
    returned = cash_sale["lines"][0]
    assert refunds.refund(store, cashier, cash_sale["number"], [(returned["id"], 1)], MANAGER)["amount"] == 3_500


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
def test_a_sale_open_in_the_backup_and_completed_after_it_comes_back_completed_as_central_holds_it(
    central: Any, store: StoreContext, cashier: Any, agents: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    connect_store(store, central)
    stock_up(central)
    shifts.open_shift(store, cashier, FLOAT)
    view, _ = till_sale.create_sale(store, cashier)
    till_sale.add_line(store, cashier, view["id"], barcode=AQUA_330, qty=1)
    store.db.dispose()  # the server's backup loop copies the database mid-sale
    backup = backups.take(backups.sqlite_path(store.config.database.url), tmp_path / "usb", store.store_id, keep=3)
    view = till_sale.add_line(store, cashier, view["id"], barcode=AQUA_600, qty=2)
    view = till_sale.add_tender(store, cashier, view["id"], "cash", view["total"], None)
    sale = checkout.complete(store, cashier, view["id"])
    agent = agents()
    sync_until_clean(agent)
    agent.close()

    said = _restore(store, backup, tmp_path, capsys)
    print(said)
    assert "WARNING" not in said
    again = sale_views.get_sale(store, sale["number"])
    assert (again["id"], again["state"], again["total"]) == (sale["id"], "completed", 3_500 + 9_000)
    assert [(l["sku"], l["qty"]) for l in again["lines"]] == [("SKU-00001", 1), ("SKU-00002", 2)]
    with store.db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Sale).where(Sale.state == "open")) == 0
        shift = shifts.current_shift(s, "T1")
        assert shift is not None and shifts.expected_cash(s, shift) == FLOAT + 12_500


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
def test_what_a_refund_at_central_took_back_cannot_be_refunded_again_after_the_restore(
    central: Any, store: StoreContext, cashier: Any, agents: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def refund_both(sale: dict[str, Any]) -> None:
        line = next(l for l in sale["lines"] if l["sku"] == "SKU-00001")  # 2 sold, both brought back
        refunds.refund(store, cashier, sale["number"], [(line["id"], 2)], MANAGER)

    backup, (cash_sale, _) = _backup_then_sell(store, central, cashier, agents, tmp_path, then=refund_both)
    line = next(l for l in cash_sale["lines"] if l["sku"] == "SKU-00001")

    print(_restore(store, backup, tmp_path, capsys))
    cashier = auth.sign_in(store, "1001", "1234", "T1")[1]
    with pytest.raises(Conflict, match="already refunded in full"):
        refunds.refund(store, cashier, cash_sale["number"], [(line["id"], 1)], MANAGER)


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
def test_a_restore_reads_a_bounded_number_of_sales_and_says_the_rest_stay_at_central(
    central: Any,
    store: StoreContext,
    cashier: Any,
    agents: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    backup, (cash_sale, card_sale) = _backup_then_sell(store, central, cashier, agents, tmp_path)
    monkeypatch.setattr(recovery_sales, "MAX_SALES", 1)
    monkeypatch.setattr(backup_cli, "MAX_SALE_PAGES", 1)  # one page of one sale read
    said = _restore(store, backup, tmp_path, capsys)
    print(said)
    assert "  WARNING: central holds more sales after the backup than the 1 read: the others stay at central" in said
    assert f"till T1: 1 sales, {format_money(cash_sale['total'])} ({cash_sale['number']} .." in said
    with pytest.raises(NotFound):
        sale_views.get_sale(store, card_sale["number"])


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
def test_a_forged_recovery_answer_records_no_sale_it_should_not(
    central: Any,
    store: StoreContext,
    cashier: Any,
    agents: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    backup, (cash_sale, card_sale) = _backup_then_sell(store, central, cashier, agents, tmp_path)
    real = CentralClient.recovery

    def forged(self: CentralClient, after_seq: int) -> dict[str, Any]:
        answer = real(self, after_seq)
        good = answer["sales_completed_after"][0]
        assert good["sale_id"] == cash_sale["id"]

        def sale(n: int, **changed: Any) -> dict[str, Any]:
            return {**good, "sale_id": f"00000000-0000-4000-8000-00000000000{n}", "number": f"TOKO-01-T1-90000{n}"} | (
                changed
            )

        def lines(**changed: Any) -> list[dict[str, Any]]:
            return [good["lines"][0] | changed, *good["lines"][1:]]

        answer["sales_completed_after"] += [
            sale(1, store_id="TOKO-02"),
            sale(2, lines=lines(net=good["lines"][0]["net"] - 1_000)),
            sale(3, lines=lines(unit_price=-3_500, net=-7_000)),
            sale(4, tenders=[{**good["tenders"][0], "amount": MAX_AMOUNT + 1}]),
            sale(5, till_id="T9", number="TOKO-01-T9-000001"),
            {**good, "number": "TOKO-01-T1-900006"},  # the id of a sale named already
            sale(7, tenders=[{**good["tenders"][0], "type": "points"}]),
            sale(8, total=good["total"] + 50_000, paid=good["paid"] + 50_000),
            "not a sale",
        ]
        return answer

    monkeypatch.setattr(CentralClient, "recovery", forged)
    said = _restore(store, backup, tmp_path, capsys)
    print(said)
    warnings = [line for line in said.splitlines() if line.startswith("  WARNING: ")]
    assert len(warnings) == 9, said
    for why in (
        "it is of store 'TOKO-02', not TOKO-01",
        "line 1 (SKU-00001): 2 x Rp 3.500 less Rp 0 and Rp 0 is Rp 7.000, not Rp 6.000",
        "its unit price is -3500",
        "a cash payment is 1000000000000",
        "till 'T9' is not one of this store's",
        "central names it (its id or its number) twice",
        "paid partly in points",
        "do not add up to its totals",
        "not a sale",
    ):
        assert any(why in w for w in warnings), (why, warnings)
    assert "recorded here again under the same numbers (2," in said  # the real sales still come back
    with store.db.sessions() as s:
        numbers = set(s.scalars(select(Sale.number).where(Sale.state == "completed")))
        shift = shifts.current_shift(s, "T1")
        assert shift is not None
        assert shifts.expected_cash(s, shift) == FLOAT + 3_500 + cash_sale["total"]
    assert {cash_sale["number"], card_sale["number"]} <= numbers and not any("-9000" in n for n in numbers)
