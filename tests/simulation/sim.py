"""A seeded simulation of the whole system: three stores and the online shop work while the network and the
central store fail; then checkers compare every database.

Each step picks a store (or the online shop) and does one thing a real day has: a sale, a member sale that may
pay with points (a hold at central, or the member's offline allowance when central cannot be reached), a
refund, a stock adjustment, an online cart made (maybe for pickup at a store), paid online (sometimes the
payment retried), or taken into a sale at a till; or a sync round of one store's agent. Between steps the
simulated clock moves on by minutes, and by hours while a store is offline for simulated days.

Faults, all drawn from the seed (network.py): the line down, requests dropped, answered 500, timed out after
central did the work, delivered twice, an old push arriving late; the agent killed between rounds (its lease
left behind); a store offline for days; the stores' clocks skewed by up to 15 minutes; central's database
restored from a backup taken earlier in the history (a new epoch: the agents must push again what it lost).

A history never raises: the outcome lists what broke, and `replay()` is the command that runs the seed again.
"""

from __future__ import annotations

import random
import sys
import uuid
from pathlib import Path
from typing import Any

TESTS = Path(__file__).resolve().parents[1]
for _p in (TESTS, TESTS / "simulation"):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))  # synckit, the world and the checkers are plain modules

import central_db  # noqa: E402
import sim_omni  # noqa: E402
from network import AgentKilled, SimNetwork, routed  # noqa: E402
from sim_checks import Journal, check  # noqa: E402
from sim_outcome import EXPECTED, Outcome  # noqa: E402
from world import STORES, Central, SimClock, Store, open_store, scratch_dir, template  # noqa: E402

MANAGER = {"staff_code": "9001", "pin": "4321"}  # the demo manager


class History:
    """One seeded run: the world, the journal of what was done, and the operations."""

    def __init__(self, seed: int, where: Path, fault_rate: float) -> None:
        self.rng, self.outcome, self.where = random.Random(seed), Outcome(seed), where
        self.clock = SimClock()
        template("synced")  # first: making it runs a central of its own (in its own folder)
        self.central = Central(where, self.clock)
        self.gateway = sim_omni.install_gateway(self.central, self.clock)
        self.net = SimNetwork(self.central.app, self.rng, self.outcome.faults)
        self.journal = Journal()
        self.stores: list[Store] = []
        self.fault_rate = fault_rate
        self.offline_left: dict[str, int] = {}
        self.barcodes: list[str] = []

    # -- setting up -------------------------------------------------------------------------------------
    def open(self) -> None:
        from synckit_store import SKUS

        for sid in STORES:
            store = open_store(self.where, sid, self.central, self.net, self.clock, self.rng, self.fault_rate)
            store.agent = self.new_agent(store)
            self.stores.append(store)
        self.barcodes = _barcodes(self.stores[0].ctx, SKUS)

    def new_agent(self, store: Store) -> Any:
        from sync_agent.agent import Agent

        return Agent(
            store.ctx.config,
            db=store.ctx.db,
            clock=store.ctx.clock,
            say=lambda _t: None,
            rng=random.Random(self.rng.random()),
        )

    def close(self) -> None:
        for store in self.stores:
            if store.agent is not None:
                store.agent.stop.set()
                store.agent.close()
            store.ctx.db.dispose()
        self.central.close()

    # -- the day ----------------------------------------------------------------------------------------
    def step(self) -> None:
        from common.errors import DomainError

        store = self.rng.choice(self.stores)
        store.link.offline = self.offline_left.get(store.id, 0) > 0
        roll = self.rng.random()
        op = (
            "sale"
            if roll < 0.25 or not store.done
            else "member sale"
            if roll < 0.39
            else "refund"
            if roll < 0.47
            else "adjustment"
            if roll < 0.50
            else "receiving"
            if roll < 0.53
            else "online cart"
            if roll < 0.60
            else "online checkout"
            if roll < 0.63
            else "pay online"
            if roll < 0.68
            else "cart at till"
            if roll < 0.74
            else "transfer"
            if roll < 0.79
            else "transfer step"
            if roll < 0.84
            else "sync round"
        )
        if op in ("online checkout", "pay online", "cart at till") and not self.journal.carts:
            op = "online cart"  # nothing to pay for yet: a shopper fills a cart first
        try:
            getattr(self, op.replace(" ", "_"))(store)
            self.outcome.ops[op] += 1
        except DomainError as e:
            if e.code not in EXPECTED:
                self.outcome.problems.append(f"{op} at {store.id}: unexpected refusal {e.code}: {e.message}")
            self.outcome.ops[f"refused {e.code}"] += 1
            self._drop_open_sale(store)
        self._time_passes(store)

    def _time_passes(self, store: Store) -> None:
        left = self.offline_left.get(store.id, 0)
        if left:
            self.offline_left[store.id] = left - 1
            self.clock.advance(hours=self.rng.randint(1, 10))  # offline for days: time runs on
        else:
            self.clock.advance(minutes=self.rng.randint(1, 20))

    def _fresh_sale(self, store: Store) -> dict[str, Any]:
        from pos.services import till_sale

        view, _ = till_sale.create_sale(store.ctx, store.cashier)
        if view["lines"] or view["tenders"]:  # left over from a refused step: the cashier voids it
            self._drop_open_sale(store)
            view, _ = till_sale.create_sale(store.ctx, store.cashier)
        return view

    def _drop_open_sale(self, store: Store) -> None:
        from common.errors import DomainError
        from pos.services import sales, till_sale

        try:
            view, _ = till_sale.create_sale(store.ctx, store.cashier)
            sales.void(store.ctx, store.cashier, view["id"], MANAGER, reason="sim")
        except DomainError:
            pass

    def _pay_cash_and_complete(self, store: Store, view: dict[str, Any]) -> dict[str, Any]:
        from pos.services import checkout, till_sale

        if view["remaining"] > 0:
            view = till_sale.add_tender(store.ctx, store.cashier, view["id"], "cash", view["remaining"], None)
        done = checkout.complete(store.ctx, store.cashier, view["id"])
        store.done.append(done)
        return done

    def sale(self, store: Store) -> None:
        from pos.services import till_sale

        view = self._fresh_sale(store)
        for _ in range(self.rng.randint(1, 3)):
            view = till_sale.add_line(
                store.ctx, store.cashier, view["id"], barcode=self.rng.choice(self.barcodes), qty=self.rng.randint(1, 3)
            )
        self._pay_cash_and_complete(store, view)

    def member_sale(self, store: Store) -> None:
        from central.services import member_cards
        from common.errors import DomainError
        from pos.services import loyalty, loyalty_redeem, till_sale

        view = self._fresh_sale(store)
        for _ in range(self.rng.randint(1, 3)):
            view = till_sale.add_line(
                store.ctx, store.cashier, view["id"], barcode=self.rng.choice(self.barcodes), qty=self.rng.randint(1, 5)
            )
        member = self.rng.choice(self.central.members)
        # The member shows their QR (from the account page): only a QR-attached member can spend points.
        card = member_cards.card_for(self.central.ctx, member["id"])
        loyalty.attach(store.ctx, store.cashier, view["id"], card=card)
        if self.rng.random() < 0.5:
            try:
                points = self.rng.choice([None, self.rng.randint(1, 60)])
                done = loyalty_redeem.redeem(store.ctx, store.cashier, view["id"], points)
                view = done["sale"]
                if done["redeemed"]["mode"] == "online":
                    self.journal.holds[view["id"]] = self.clock.now  # a hold at central, for this sale
                self.outcome.ops["points redeemed"] += 1
            except DomainError as e:  # the cashier takes another payment
                if e.code not in EXPECTED:
                    raise
                self.outcome.ops[f"redeem refused {e.code}"] += 1
                from pos.services.sale_views import get_sale

                view = get_sale(store.ctx, view["id"])
        self._pay_cash_and_complete(store, view)

    def refund(self, store: Store) -> None:
        from pos.services import refunds

        sale = self.rng.choice(store.done)
        line = self.rng.choice(sale["lines"])
        refunds.refund(store.ctx, store.cashier, sale["number"], [(line["id"], 1)], MANAGER, reason="rusak")

    def adjustment(self, store: Store) -> None:
        from pos.services import stock_admin

        qty, reason = self.rng.randint(1, 4), self.rng.choice(["damaged", "found", "expired", "lost"])
        stock_admin.adjust(store.ctx, store.manager, self.rng.choice(self.barcodes), qty, reason)

    def receiving(self, store: Store) -> None:
        from pos.services import stock_admin

        lines = [(self.rng.choice(self.barcodes), self.rng.randint(1, 24)) for _ in range(self.rng.randint(1, 3))]
        stock_admin.receive(store.ctx, store.manager, f"SJ-{self.rng.randint(1000, 9999)}", lines)

    def online_cart(self, _store: Store) -> None:
        from synckit_store import SKUS

        from central.services import carts

        view = None
        for _ in range(self.rng.randint(1, 3)):
            view = carts.add_item(
                self.central.ctx, view["id"] if view else None, self.rng.choice(SKUS[:20]), self.rng.randint(1, 3)
            )
        assert view is not None
        if self.rng.random() < 0.5:
            view = carts.choose_store(self.central.ctx, view["id"], self.rng.choice(STORES))
        self.journal.cart_made(view["id"], view["code"], self.clock.now)

    def online_checkout(self, _store: Store) -> None:
        from central.services import cart_checkout

        cart = self.journal.some_cart(self.rng)
        checkout_id = f"web-{uuid.uuid4()}"
        for _ in range(2 if self.rng.random() < 0.3 else 1):  # the shopper pressed "pay" twice
            cart_checkout.checkout_online(self.central.ctx, cart.id, checkout_id)
        self.journal.paid_online(cart.id, checkout_id, self.clock.now)

    def cart_at_till(self, store: Store) -> None:
        from common.errors import DomainError
        from pos.services import online_carts

        cart = self.journal.some_cart(self.rng)
        self._fresh_sale(store)
        view = online_carts.take_into_sale(store.ctx, store.cashier, cart.code)["sale"]
        try:
            done = self._pay_cash_and_complete(store, view)
        except DomainError:
            self._drop_open_sale(store)  # central said the cart is paid elsewhere: the till voids the sale
            raise
        self.journal.paid_in_store(cart.id, store.id, done["id"])

    def pay_online(self, _store: Store) -> None:
        sim_omni.pay_online(self)

    def transfer(self, store: Store) -> None:
        sim_omni.transfer(self, store)

    def transfer_step(self, store: Store) -> None:
        sim_omni.transfer_step(self, store)

    def sync_round(self, store: Store) -> None:
        if self.rng.random() < 0.08 and not self.offline_left.get(store.id):
            self.offline_left[store.id] = self.rng.randint(3, 12)  # the line is down for a while
            self.outcome.faults["store offline for days"] += 1
        if self.rng.random() < 0.1:
            self._restart_agent(store)  # killed between rounds
            self.outcome.faults["agent killed between rounds"] += 1
        try:
            store.agent.round()
        except AgentKilled:  # killed mid-round, after central handled a request (network.py)
            self._restart_agent(store)

    def _restart_agent(self, store: Store) -> None:
        store.agent.stop.set()
        store.agent.close()  # its lease stays behind ...
        self.clock.advance(seconds=store.agent.lease_ttl + 1)  # ... until it runs out
        store.agent = self.new_agent(store)

    def settle(self) -> None:
        """The lines come back and faults stop: every agent must bring central (and its store) up to date."""
        self.net.calm()
        self.offline_left.clear()
        self.clock.advance(minutes=self.central.ctx.config.payments.expiry_minutes + 30)  # every payment page gone
        sim_omni.sweep(self)
        for _ in range(2):  # twice: each store then pulls what the others pushed in the first pass
            for store in self.stores:
                for _ in range(10):
                    if store.agent.round().ok:
                        break
                else:
                    self.outcome.problems.append(f"{store.id}'s agent never got clean once the faults stopped")


def simulate(
    seed: int,
    steps: int = 40,
    fault_rate: float = 0.06,
    tamper: Any = None,
    restore: bool | None = None,
    backend: str = "sqlite",
) -> Outcome:
    """Run one seeded history and check it; never raises for a broken invariant (the outcome lists it).

    `tamper(central_context)` runs just before the checks: the test of the checkers themselves breaks something.
    `restore` forces (True) or forbids (False) the central restore; by default the seed decides.
    `backend` is where central's database lives: "sqlite" (a file) or "postgresql" (the test server).
    """
    central_db.use(backend)
    history = History(seed, scratch_dir(), fault_rate)
    outcome = history.outcome
    rng = history.rng
    backup_at, restore_at = sorted(rng.sample(range(steps), 2))
    if restore is False or (restore is None and rng.random() < 0.4):
        backup_at = restore_at = -1
    try:
        with routed(history.net):
            history.open()
            for n in range(steps):
                if n == backup_at:
                    history.central.take_backup(history.clock.now)
                    history.journal.backup_taken(history.clock.now)
                if n == restore_at:
                    history.central.restore_backup()
                    history.journal.restored(history.clock.now)
                    outcome.faults["central restored from backup"] += 1
                history.step()
            history.settle()
            if tamper is not None:
                tamper(history.central.ctx)
            outcome.problems += check(history.stores, history.central, history.journal, history.gateway)
    except Exception as e:  # noqa: BLE001 - a crash is a finding for this seed, not the end of the run
        import traceback

        outcome.problems.append(f"crashed: {type(e).__name__}: {e}\n{traceback.format_exc()}")
    finally:
        history.close()
    return outcome


def _barcodes(ctx: Any, skus: list[str]) -> list[str]:
    from sqlalchemy import select

    from pos.adapters.tables import Product

    with ctx.db.sessions() as s:
        return [b for b in s.scalars(select(Product.barcode).where(Product.sku.in_(skus))) if b]


def new_seed() -> int:
    return uuid.uuid4().int % 10**6
