"""Two stores cut off from central: each may redeem only the allowance central granted it, so the member's
overspend is bounded by the sum of the allowances, and central shows the debt once they sync."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from loyaltykit import add_store, new_member, use_test_key
from synckit import AQUA_330, agents, central, connect_store, pg_url, server_error, sync_until_clean, unsent  # noqa: F401

from central.services import loyalty as central_loyalty
from central.tables import Alert, Member
from common.db import Database
from common.errors import DomainError
from pos import bootstrap
from pos.adapters.config import load_config
from pos.adapters.migrate import upgrade
from pos.services import auth, checkout, loyalty, loyalty_redeem, setup, shifts, till_sale
from pos.services.context import StoreContext
from sync_agent.agent import Agent

DEAD = "http://127.0.0.1:9"  # nothing listens there: central "cannot be reached"


@pytest.fixture
def store_b(tmp_path: Path) -> Iterator[StoreContext]:
    """A second store, TOKO-02, with the demo catalog and staff (its own database)."""
    where = tmp_path / "toko-02"
    where.mkdir()
    cfg = load_config(Path(__file__).resolve().parents[2] / "config.toml", environ={})
    cfg.database.url = f"sqlite:///{where / 'store.db'}"
    cfg.store.id = "TOKO-02"
    upgrade(cfg.database.url)
    ctx = bootstrap.store_context(cfg, Database(cfg.database.url), steps=())
    setup.load_demo_data(ctx)
    yield ctx
    ctx.db.dispose()


def sell_with_points(store, till, card, points):
    view, _ = till_sale.create_sale(store, till)
    view = till_sale.add_line(store, till, view["id"], barcode=AQUA_330, qty=5)  # Rp 17.500
    loyalty.attach(store, till, view["id"], card=card)
    view = loyalty_redeem.redeem(store, till, view["id"], points)["sale"]
    return view


def test_two_offline_stores_overspend_at_most_their_allowances_and_central_shows_the_debt(
    central, store, open_till, agents, store_b
):
    use_test_key(central, offline_allowance_points=30)
    token_b = add_store(central, "TOKO-02")
    connect_store(store, central)
    connect_store(store_b, central)
    store_b.config.sync.token = token_b
    for st in (store, store_b):
        bootstrap.enable(st, "points")
    m = new_member(central, points=40)  # each store gets a 30-point allowance at sign-up
    agent_b = Agent(store_b.config, db=Database(store_b.config.database.url), say=lambda _t: None)
    agent_a = agents()
    try:
        sync_until_clean(agent_a)
        sync_until_clean(agent_b)
        till_b = auth.sign_in(store_b, "1001", "1234", "T1")[1]
        shifts.open_shift(store_b, till_b, 200_000)
        for st in (store, store_b):
            st.config.sync.central_url = DEAD
        for st, till in ((store, open_till), (store_b, till_b)):
            view = sell_with_points(st, till, m["card"], 25)
            with pytest.raises(DomainError) as e:  # 5 of the 30 left: 6 is refused, with what is left said
                loyalty_redeem.redeem(st, till, view["id"], 6)
            assert e.value.code == "central_unreachable" and "at most 5 points" in e.value.message
            view = loyalty_redeem.redeem(st, till, view["id"], 5)["sale"]
            assert [t["type"] for t in view["tenders"]] == ["points", "points"]
            view = till_sale.add_tender(st, till, view["id"], "cash", view["remaining"], None)
            done = checkout.complete(st, till, view["id"])
            assert done["loyalty"]["redeemed"] == 30 and done["loyalty"]["earned"] == 1
            second = till_sale.create_sale(st, till)[0]
            second = till_sale.add_line(st, till, second["id"], barcode=AQUA_330, qty=1)
            loyalty.attach(st, till, second["id"], card=m["card"])
            with pytest.raises(DomainError) as e:  # the allowance is used up: nothing more offline
                loyalty_redeem.redeem(st, till, second["id"], 1)
            assert e.value.code == "central_unreachable"
        for st in (store, store_b):
            st.config.sync.central_url = central.url
        sync_until_clean(agent_a)
        sync_until_clean(agent_b)
    finally:
        agent_b.close()
    with central.ctx.db.sessions() as s:
        balance = s.get(Member, m["id"]).balance
    overspend = 60 - 40  # 30 + 30 redeemed of a balance of 40
    assert balance == 40 - 60 + 2 == central_loyalty.ledger_sum(central.ctx, m["id"])
    assert overspend <= 30 + 30
    debts = {d["id"]: d["debt"] for d in central_loyalty.debts(central.ctx)}
    assert debts[m["id"]] == 18
    assert central_loyalty.lookup(central.ctx, member_id=m["id"])["debt"] == 18
    assert central.count(Alert, Alert.kind == "allowance_exceeded") == 0


def test_offline_without_an_allowance_points_are_refused(central, store, open_till, agents):
    use_test_key(central)
    connect_store(store, central)
    bootstrap.enable(store, "points")
    m = new_member(central, points=500)
    sync_until_clean(agents())
    store.config.sync.central_url = DEAD
    with pytest.raises(DomainError) as e:
        sell_with_points(store, open_till, m["card"], 1)
    assert e.value.code == "central_unreachable" and "take another payment" in e.value.message


def spent_offline(central, store, till, agents, points):  # type: ignore[no-untyped-def]
    """A member with 100 points and a 30-point allowance here, who paid `points` with it while the till could not
    reach central; returns the member and the store's agent."""
    use_test_key(central, offline_allowance_points=30)
    connect_store(store, central)
    bootstrap.enable(store, "points")
    m = new_member(central, points=100)
    agent = agents()
    sync_until_clean(agent)
    store.config.sync.central_url = DEAD  # the till's calls fail (the agent keeps its own connection)
    view = sell_with_points(store, till, m["card"], points)
    view = till_sale.add_tender(store, till, view["id"], "cash", view["remaining"], None)
    checkout.complete(store, till, view["id"])
    return m, agent


def member_sale(store, till, card):  # type: ignore[no-untyped-def]
    view = till_sale.add_line(store, till, till_sale.create_sale(store, till)[0]["id"], barcode=AQUA_330, qty=5)
    loyalty.attach(store, till, view["id"], card=card)
    return view


def test_an_offline_redemption_central_acknowledged_still_counts_until_the_allowance_is_pulled_again(
    central, store, open_till, agents
):
    """Found by the simulator (seed 1445): after central acknowledged an offline redemption and before the store
    pulled the allowance's new `used`, the store counted the redemption nowhere and let the allowance be spent
    twice."""
    m, agent = spent_offline(central, store, open_till, agents, 25)
    central.faults.on_pull = server_error  # the agent's push is acknowledged; its pull fails
    agent.round()
    assert unsent(store.db) == 0, "central has the redemption"
    view = member_sale(store, open_till, m["card"])
    with pytest.raises(DomainError) as e:
        loyalty_redeem.redeem(store, open_till, view["id"], 6)
    assert e.value.code == "central_unreachable" and "at most 5 points" in e.value.message

    central.faults.on_pull = None
    sync_until_clean(agent)  # central's used (25) arrives: still 5 left, not 5 - 25
    assert loyalty_redeem.redeem(store, open_till, view["id"], 5)["redeemed"]["mode"] == "offline"


def test_a_new_grant_starts_afresh_at_the_store(central, store, open_till, agents):
    from central.services import offline_allowances

    m, agent = spent_offline(central, store, open_till, agents, 30)
    sync_until_clean(agent)
    offline_allowances.grant_allowance(central.ctx, m["id"], "TOKO-01", points=20)  # the head office grants again
    sync_until_clean(agent)
    view = member_sale(store, open_till, m["card"])
    with pytest.raises(DomainError) as e:
        loyalty_redeem.redeem(store, open_till, view["id"], 21)
    assert "at most 20 points" in e.value.message, "the new grant's 20, not 20 - 30 used under the old one"
