"""The seeded fault simulation in `make test`: 150 histories (three stores and the online shop, faults on), on
every CPU; `python -m tests.simulation.run --count 1000` runs more. And a test that the checkers can fail."""

from __future__ import annotations

import os

import pytest
from sim import simulate  # tests/simulation is on sys.path here, as each test folder is
from sqlalchemy import delete, select, update

from tests.simulation.run import run_seeds

SEEDS = range(1, 151)  # 150: CI stays in its 15 minutes; `run --count 1000` for more
PG_SEEDS = range(1, 21)  # the same histories with central on PostgreSQL: real locks and isolation


@pytest.mark.timeout(1200)  # minutes on a loaded 2-core machine; about 70 s on a quiet one
def test_150_seeded_histories_lose_no_sale_point_or_stock_movement_and_pay_no_cart_twice() -> None:
    outcomes = list(run_seeds(list(SEEDS), jobs=os.cpu_count() or 1))
    failed = [o.summary() for o in outcomes if not o.ok]
    assert len(outcomes) == len(SEEDS)
    assert not failed, f"{len(failed)} of {len(SEEDS)} seeds failed:\n" + "\n".join(failed)
    total = sum((o.ops for o in outcomes), start=outcomes[0].ops.__class__())
    faults = sum((o.faults for o in outcomes), start=outcomes[0].faults.__class__())
    # The histories did what they claim: every kind of work and every kind of fault happened, many times.
    for op in (
        "sale",
        "member sale",
        "points redeemed",
        "refund",
        "adjustment",
        "receiving",
        "online cart",
        "online checkout",
        "cart at till",
        "pay online",
        "paid online",
        "transfer",
        "transfer step",
        "sync round",
    ):
        assert total[op] >= 40, (op, total)
    # A receipt needs the transfer to reach the receiving store first (both stores online, a round each way): rarer.
    assert total["transfer received"] >= 5, ("transfer received", total)
    for fault in (
        "dropped",
        "central 500",
        "timed out",
        "delivered twice",
        "reordered",
        "agent killed",
        "agent killed between rounds",
        "offline",
        "store offline for days",
        "central restored from backup",
    ):
        assert faults[fault] >= 15, (fault, faults)


@pytest.mark.timeout(1200)
def test_20_seeded_histories_with_central_on_postgresql_lose_nothing_either() -> None:
    from synckit import require_postgresql

    require_postgresql()
    outcomes = list(run_seeds(list(PG_SEEDS), jobs=os.cpu_count() or 1, backend="postgresql"))
    failed = [o.summary() for o in outcomes if not o.ok]
    assert len(outcomes) == len(PG_SEEDS)
    assert not failed, f"{len(failed)} of {len(PG_SEEDS)} seeds failed on PostgreSQL:\n" + "\n".join(failed)
    faults = sum((o.faults for o in outcomes), start=outcomes[0].faults.__class__())
    assert faults["central restored from backup"] >= 3, faults  # the restore path ran on PostgreSQL too


def test_the_checkers_name_a_lost_sale_a_wrong_stock_level_balance_or_points_entry_a_lost_cart_order_and_a_transfer() -> (
    None
):
    """The checks are not vacuous: break central after a clean history and each breakage is named."""
    from central.tables import CartOrder, Member, PointsEntry, Refund, Sale, SaleLine, StockLevel, Tender, TransferLine

    def tamper(ctx) -> None:  # type: ignore[no-untyped-def]
        with ctx.db.unit_of_work() as s:
            sale = s.scalars(
                select(Sale).where(
                    Sale.id.not_in(select(Refund.sale_id)),
                    Sale.id.not_in(select(CartOrder.sale_id).where(CartOrder.sale_id.is_not(None))),
                )
            ).first()
            s.execute(delete(Tender).where(Tender.sale_id == sale.id))
            s.execute(delete(SaleLine).where(SaleLine.sale_id == sale.id))
            s.execute(delete(Sale).where(Sale.id == sale.id))
            level = s.scalars(select(StockLevel).where(StockLevel.location == "TOKO-02")).first()
            s.execute(
                update(StockLevel)
                .where(StockLevel.location == level.location, StockLevel.sku == level.sku)
                .values(on_hand=level.on_hand + 1)
            )
            member = s.scalars(select(Member).order_by(Member.number)).first()
            s.execute(update(Member).where(Member.id == member.id).values(balance=Member.balance + 5))
            earned = s.scalars(select(PointsEntry).where(PointsEntry.kind == "earn")).first()
            s.execute(delete(PointsEntry).where(PointsEntry.id == earned.id))
            s.execute(delete(CartOrder).where(CartOrder.id == s.scalars(select(CartOrder.id)).first()))
            line = s.scalars(select(TransferLine).where(TransferLine.sent > 0)).first()
            s.execute(update(TransferLine).where(TransferLine.id == line.id).values(sent=line.sent + 1))

    outcome = simulate(SEED_WITH_EVERYTHING, steps=40, fault_rate=0.0, tamper=tamper, restore=False)
    text = "\n".join(outcome.problems)
    assert "is at central 0 times" in text, text
    assert "central stock ('TOKO-02'" in text, text
    assert "but the ledger adds up to" in text, text
    assert "booked at a store is not at central" in text, text
    assert "central has no order for it" in text, text
    assert "its lines say transfer_out" in text, text
    assert f"replay: .venv/bin/python -m tests.simulation.run --seed {SEED_WITH_EVERYTHING}" in outcome.summary()


SEED_WITH_EVERYTHING = 1  # a clean history with refunds, member sales, a cart paid, payments and transfers
