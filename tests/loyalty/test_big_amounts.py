"""Sales of billions of Rupiah, and points past 2^31, go from the till to the central store and its books whole.

On SQLite and on PostgreSQL (whose INTEGER is 32-bit): a figure the till takes must never be dead-lettered later.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from loyaltykit import add_store, new_member, use_test_key
from racekit import at_once
from sqlalchemy import func, select
from synckit import AQUA_330, SKUS, STORE, agents, central, connect_store, make_event, pg_url, sync_until_clean  # noqa: F401

from central.services import catalog, loyalty_admin, push, stores
from central.tables import DeadLetter, Member, PointsEntry, Sale, SaleLine, Tender
from common.limits import MAX_AMOUNT
from common.pricing import taxes_by_group
from pos import bootstrap
from pos.services import checkout, loyalty, reports, till_sale

BIG = 5_000_000_000  # Rp 5.000.000.000: more than a 32-bit column holds (2^31 - 1 = 2.147.483.647)


def big_sale(store_id: str, n: int, unit_price: int = BIG, qty: int = 1) -> dict[str, Any]:
    """A completed sale as a store's checkout writes it: one line, paid exact in cash."""
    net = unit_price * qty
    return {
        "sale_id": str(uuid.uuid4()),
        "number": f"{store_id}-T1-{n:06d}",
        "store_id": store_id,
        "till_id": "T1",
        "shift_id": None,
        "staff_id": None,
        "completed_at": "2026-11-23T10:00:00",
        "currency": "IDR",
        "lines": [
            {
                "id": str(uuid.uuid4()),
                "sku": SKUS[n % len(SKUS)],
                "name": "Emas batangan",
                "qty": qty,
                "unit_price": unit_price,
                "line_discount": 0,
                "sale_discount": 0,
                "net": net,
                "tax_group": "PPN",
            }
        ],
        "tenders": [{"id": str(uuid.uuid4()), "type": "cash", "amount": net}],
        "taxes": taxes(net),
        "subtotal": net,
        "discount": 0,
        "tax": sum(t["tax"] for t in taxes(net)),
        "rounding": 0,
        "total": net,
        "paid": net,
        "change": 0,
    }


def taxes(gross: int) -> list[dict[str, Any]]:
    """PPN 11% included in the price, as central checks it (per group, on the discounted gross)."""
    return [
        {"group": t.group, "rate_bp": t.rate_bp, "gross": t.gross, "base": t.base, "tax": t.tax}
        for t in taxes_by_group([("PPN", 1100, gross)])
    ]


def test_a_five_billion_rupiah_member_sale_reaches_central_its_reports_and_the_members_points(
    central, store, open_till, agents
):
    use_test_key(central, earn_per_amount=1)  # a point per Rupiah: the sale earns 5.000.000.000 points
    connect_store(store, central)
    bootstrap.enable(store, "points")
    catalog.set_price(central.ctx, "SKU-00001", BIG)
    member = new_member(central)
    agent = agents()
    sync_until_clean(agent)  # the price and the member reach the store

    view, _ = till_sale.create_sale(store, open_till)
    view = till_sale.add_line(store, open_till, view["id"], barcode=AQUA_330, qty=1)
    assert view["total"] == BIG
    loyalty.attach(store, open_till, view["id"], card=member["card"])
    view = till_sale.add_tender(store, open_till, view["id"], "cash", BIG, None)
    done = checkout.complete(store, open_till, view["id"])
    assert done["loyalty"]["earned"] == BIG
    assert reports.sales_report(store)["summary"]["total"] == BIG  # the store's own report

    rep = sync_until_clean(agent)
    assert rep.ok
    assert central.count(DeadLetter) == 0  # applied, not dead-lettered
    assert central.rows(select(Sale.total, Sale.paid).where(Sale.id == view["id"])) == [(BIG, BIG)]
    assert central.rows(select(SaleLine.unit_price, SaleLine.net)) == [(BIG, BIG)]
    assert central.rows(select(Tender.amount)) == [(BIG,)]
    overview = {s["id"]: s for s in stores.store_overview(central.ctx)}
    assert overview[STORE]["dead_letters"] == 0  # the admin dashboard's figure

    page = loyalty_admin.member_page(central.ctx, member["id"])  # the member's statement at central
    assert page["balance"] == BIG > 2**31
    assert [(e["kind"], e["points"], e["ref_id"]) for e in page["recent"]] == [("earn", BIG, view["id"])]


def test_stores_pushing_billion_rupiah_sales_at_once_lose_nothing_and_sum_past_32_bits(central):
    """Two stores push at the same moment (PostgreSQL: real concurrent transactions); every sale is applied."""
    add_store(central, "TOKO-02")
    per_store = 6
    batches = {
        sid: [
            make_event(n, big_sale(sid, n, unit_price=MAX_AMOUNT if n == 1 else BIG), store_id=sid)
            for n in range(1, per_store + 1)
        ]
        for sid in (STORE, "TOKO-02")
    }
    answers = at_once(*[lambda sid=sid: push.push(central.ctx, sid, "T1", batches[sid]) for sid in batches])
    for answer in answers:
        assert [r["outcome"] for r in answer["results"]] == ["applied"] * per_store, answer
    expected = MAX_AMOUNT + (per_store - 1) * BIG
    for sid in batches:
        total = central.rows(select(func.sum(Sale.total)).where(Sale.store_id == sid))[0][0]
        assert int(total) == expected
    assert central.count(DeadLetter) == 0


def two_lines_past_the_maximum() -> dict[str, Any]:
    """Each line within the maximum, the sale (and its one tender) past it."""
    sale = big_sale(STORE, 1, unit_price=600_000_000_000)
    second = dict(sale["lines"][0], id=str(uuid.uuid4()), sku=SKUS[2])
    total = 2 * second["net"]
    return {
        **sale,
        "lines": [sale["lines"][0], second],
        "tenders": [dict(sale["tenders"][0], amount=total)],
        "subtotal": total,
        "total": total,
        "paid": total,
    }


@pytest.mark.parametrize(
    ("payload", "named"),
    [
        (lambda: big_sale(STORE, 1, unit_price=MAX_AMOUNT + 1), "the unit price is 1000000000000"),
        (two_lines_past_the_maximum, "the sale's subtotal is"),
    ],
    ids=["line", "sale"],
)
def test_a_sale_above_the_maximum_is_dead_lettered_at_central_with_a_readable_reason(central, payload, named):
    """A store's token sending a sale past Rp 999.999.999.999 (forged, or from a store that does not check)."""
    answer = push.push(central.ctx, STORE, "T1", [make_event(1, payload())])
    assert [r["outcome"] for r in answer["results"]] == ["rejected"]
    [(code, reason)] = central.rows(select(DeadLetter.code, DeadLetter.reason))
    assert code == "amount_out_of_range"  # refused by central's checks, which flag the store
    assert named in reason and "Rp 999.999.999.999" in reason
    assert central.count(Sale) == 0


def test_points_earned_past_32_bits_are_kept_exactly_in_the_ledger(central):
    """The member's balance and each ledger row hold more than 2^31 points, on PostgreSQL too."""
    member = new_member(central, points=3 * 10**9)
    page = loyalty_admin.member_page(central.ctx, member["id"])
    assert page["balance"] == 3 * 10**9
    with central.ctx.db.sessions() as s:
        assert s.get(Member, member["id"]).balance == 3 * 10**9
        assert s.scalar(select(PointsEntry.points).where(PointsEntry.member_id == member["id"])) == 3 * 10**9
