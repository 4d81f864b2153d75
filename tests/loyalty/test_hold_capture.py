"""A points hold is captured when its sale completes (a direct call to central inside the sale's transaction),
so a sale that syncs late never finds its hold lapsed and its points spent again elsewhere. Found by the
simulator (seeds 19, 27, 39, ...: "a points hold was gone when its sale reached central")."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from loyaltykit import new_member, use_test_key
from sqlalchemy import select
from synckit import AQUA_330, agents, central, connect_store, pg_url, sync_until_clean  # noqa: F401

from central.services import loyalty_holds
from central.tables import Alert, Member, OfflineAllowance, PointsEntry, PointsHold
from common.errors import DomainError
from pos import bootstrap
from pos.adapters import central_loyalty
from pos.adapters.central_loyalty import Unreachable
from pos.services import checkout, loyalty, loyalty_redeem, sales, till_sale
from pos.services.sale_views import get_sale

DEAD = "http://127.0.0.1:9"


@pytest.fixture
def linked(central, store, open_till, agents):  # type: ignore[no-untyped-def]
    use_test_key(central, offline_allowance_points=30)
    connect_store(store, central)
    bootstrap.enable(store, "points")
    return agents()


def member_paying(central, store, till, agent, points):  # type: ignore[no-untyped-def]
    m = new_member(central, points=100)
    sync_until_clean(agent)
    view = till_sale.add_line(store, till, till_sale.create_sale(store, till)[0]["id"], barcode=AQUA_330, qty=5)
    loyalty.attach(store, till, view["id"], card=m["card"])
    paid = loyalty_redeem.redeem(store, till, view["id"], points)
    assert paid["redeemed"]["mode"] == "online"
    view = till_sale.add_tender(store, till, view["id"], "cash", paid["sale"]["remaining"], None)
    return m, view


def member_row(central, member_id):  # type: ignore[no-untyped-def]
    with central.ctx.db.sessions() as s:
        m = s.get(Member, member_id)
        entries = list(s.scalars(select(PointsEntry.kind).where(PointsEntry.member_id == member_id)))
        holds = list(s.scalars(select(PointsHold.state).where(PointsHold.member_id == member_id)))
        return m.balance, m.held, sorted(entries), holds


def test_the_completed_sales_hold_is_captured_and_waits_for_the_sale_however_late(central, store, open_till, linked):
    m, view = member_paying(central, store, open_till, linked, 20)
    done = checkout.complete(store, open_till, view["id"])
    assert done["loyalty"]["redeemed"] == 20
    assert member_row(central, m["id"]) == (100, 20, ["adjust"], ["held"]), "captured: still held at central"
    later = central.ctx.clock() + timedelta(hours=5)  # the store's line went down for five hours
    central.ctx.clock = lambda: later
    assert loyalty_holds.release_lapsed(central.ctx) == 0, "a captured hold does not lapse after 15 minutes"
    sync_until_clean(linked)
    assert member_row(central, m["id"]) == (81, 0, ["adjust", "earn", "redeem"], ["posted"])
    assert central.count(Alert) == 0


def test_a_hold_that_lapsed_before_the_sale_completed_stops_the_sale(central, store, open_till, linked):
    m, view = member_paying(central, store, open_till, linked, 20)
    later = central.ctx.clock() + timedelta(minutes=16)  # the sale took a quarter of an hour and more
    central.ctx.clock = lambda: later
    assert loyalty_holds.release_lapsed(central.ctx) == 1  # housekeeping freed the points
    with pytest.raises(DomainError) as e:
        checkout.complete(store, open_till, view["id"])
    assert e.value.code == "points_hold_lapsed" and "use the points again" in e.value.message
    assert get_sale(store, view["id"])["state"] == "open", "the cashier can take the points off and redeem again"
    assert member_row(central, m["id"])[:3] == (100, 0, ["adjust"])


def test_central_unreachable_at_completion_uses_the_offline_allowance_once(central, store, open_till, linked):
    m, view = member_paying(central, store, open_till, linked, 20)
    url, store.config.sync.central_url = store.config.sync.central_url, DEAD
    done = checkout.complete(store, open_till, view["id"])
    assert done["loyalty"]["redeemed"] == 20
    store.config.sync.central_url = url
    assert member_row(central, m["id"])[:2] == (100, 20), "still held at central until the sale gets there"
    sync_until_clean(linked)
    balance, held, kinds, holds = member_row(central, m["id"])
    assert (balance, held, kinds, holds) == (81, 0, ["adjust", "earn", "redeem"], ["released"])
    with central.ctx.db.sessions() as s:
        assert (
            s.scalar(
                select(OfflineAllowance.used).where(
                    OfflineAllowance.member_id == m["id"], OfflineAllowance.store_id == "TOKO-01"
                )
            )
            == 20
        )


def test_central_unreachable_beyond_the_allowance_stops_the_sale(central, store, open_till, linked):
    m, view = member_paying(central, store, open_till, linked, 35)  # the allowance here is 30
    store.config.sync.central_url = DEAD
    with pytest.raises(DomainError) as e:
        checkout.complete(store, open_till, view["id"])
    assert e.value.code == "central_unreachable" and "at most 30 points" in e.value.message
    assert get_sale(store, view["id"])["state"] == "open"


def test_a_capture_whose_answer_was_lost_becomes_an_offline_redemption_booked_once(central, store, open_till, linked):
    m, view = member_paying(central, store, open_till, linked, 20)
    real = central_loyalty.LoyaltyClient.capture

    def answer_lost(self, *args):  # type: ignore[no-untyped-def]
        real(self, *args)
        raise Unreachable("central did not answer within 2 s (ReadTimeout)")

    with mock.patch.object(central_loyalty.LoyaltyClient, "capture", answer_lost):
        done = checkout.complete(store, open_till, view["id"])  # the store falls back to its allowance
    assert done["loyalty"]["redeemed"] == 20
    sync_until_clean(linked)
    assert member_row(central, m["id"]) == (81, 0, ["adjust", "earn", "redeem"], ["released"])
    with central.ctx.db.sessions() as s:
        assert (
            s.scalar(
                select(OfflineAllowance.used).where(
                    OfflineAllowance.member_id == m["id"], OfflineAllowance.store_id == "TOKO-01"
                )
            )
            == 20
        )
    assert central.count(Alert) == 0


def test_a_voided_sale_gives_its_points_hold_back_at_once(central, store, open_till, linked):
    m, view = member_paying(central, store, open_till, linked, 20)
    sales.void(store, open_till, view["id"], {"staff_code": "9001", "pin": "4321"}, reason="shopper left")
    assert member_row(central, m["id"])[:2] == (100, 20)
    sync_until_clean(linked)
    assert member_row(central, m["id"]) == (100, 0, ["adjust"], ["released"])
