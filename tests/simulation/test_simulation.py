"""A handful of seeded fault simulations run in `make test`; `python -m tests.simulation.run` runs many more."""
from __future__ import annotations

import pytest
from sqlalchemy import delete, select, update

from sim import simulate  # tests/simulation is on sys.path here, as each test folder is

SEEDS = list(range(1, 16))  # ~1.7 s each; `python -m tests.simulation.run --count 1000` runs many more


@pytest.mark.parametrize("seed", SEEDS)
def test_no_sale_refund_or_stock_movement_is_lost_or_doubled_under_faults(seed: int) -> None:
    outcome = simulate(seed, steps=40, fault_rate=0.1)
    assert outcome.ops["sale"] > 0 and outcome.ops["sync round"] > 0
    assert outcome.ok, outcome.summary()


def test_the_checkers_notice_a_lost_sale_a_doubled_stock_movement_and_a_wrong_balance() -> None:
    """The checks are not vacuous: break central after a clean run and each breakage is named."""
    from central.services import loyalty
    from central.tables import Member, Refund, Sale, SaleLine, StockLevel, Tender

    def tamper(ctx) -> None:
        member = loyalty.sign_up(ctx, "Budi Santoso", "081200000001")
        with ctx.db.unit_of_work() as s:
            sale = s.scalars(select(Sale).where(Sale.id.not_in(select(Refund.sale_id)))).first()
            s.execute(delete(Tender).where(Tender.sale_id == sale.id))
            s.execute(delete(SaleLine).where(SaleLine.sale_id == sale.id))
            s.execute(delete(Sale).where(Sale.id == sale.id))
            level = s.scalars(select(StockLevel).where(StockLevel.location == "TOKO-01")).first()
            s.execute(update(StockLevel).where(StockLevel.location == level.location, StockLevel.sku == level.sku)
                      .values(on_hand=level.on_hand + 1))
            s.execute(update(Member).where(Member.id == member["id"]).values(balance=5))

    outcome = simulate(7, steps=12, fault_rate=0.0, tamper=tamper)
    text = "\n".join(outcome.problems)
    assert "is at central 0 times" in text and "central stock" in text and "the ledger adds up to 0" in text
    assert "replay: .venv/bin/python -m tests.simulation.run --seed 7" in outcome.summary()
