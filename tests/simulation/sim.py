"""A seeded simulation: one store sells (with and without members), refunds and adjusts stock while its sync agent
talks to an in-process central store through a fault-injecting middleware; then checkers look at both databases.

Faults (all drawn from the seed): a push dropped before central sees it, a push applied but its answer lost (the
agent must send it again), a push delivered twice, a delayed copy of an earlier push arriving out of order, central
answering 500, pulls failing, the agent restarted (a fresh agent, the old one's lease left behind, the clock moved
on) and the store offline for a stretch of operations.

Checkers: every completed sale and refund of the store is at central exactly once with the same lines and tenders;
stock per (location, sku) at central equals the sum of its movements, and what the store sold, took back and
adjusted equals what central recorded for it; every member's balance equals the sum of their ledger and the points
the store booked. The same seed draws the same operations and faults; a failing seed prints the command that
replays it.
"""
from __future__ import annotations

import random
import shutil
import sys
import tempfile
import uuid
from collections import Counter as Tally
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

TESTS = Path(__file__).resolve().parents[1]
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))  # the shared sync kit (synckit) is a plain module in tests/
if str(TESTS / "simulation") not in sys.path:
    sys.path.insert(0, str(TESTS / "simulation"))  # and so are the checkers, next to this file

from sqlalchemy import select  # noqa: E402

from sim_checks import check, points_at_central  # noqa: E402

_TEMPLATES: dict[str, bytes] = {}
# refusals a random history runs into on purpose (refunding more than is left of a line, taking out more than is there)
OTHER_ERRORS = ("exceeds", "insufficient", "not_enough", "nothing_to_refund", "already_refunded", "below_zero")


@dataclass
class Outcome:
    seed: int
    ops: Tally = field(default_factory=Tally)
    faults: Tally = field(default_factory=Tally)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def replay(self) -> str:
        return f".venv/bin/python -m tests.simulation.run --seed {self.seed} --count 1"

    def summary(self) -> str:
        ops = ", ".join(f"{k} {v}" for k, v in sorted(self.ops.items()))
        faults = ", ".join(f"{k} {v}" for k, v in sorted(self.faults.items())) or "none"
        head = f"seed {self.seed}: {'ok' if self.ok else 'FAILED'} ({ops}; faults: {faults})"
        if self.ok:
            return head
        return head + "\n  " + "\n  ".join(self.problems) + f"\n  replay: {self.replay()}"


def _template(name: str, make: Any) -> bytes:
    if name not in _TEMPLATES:
        where = Path(tempfile.mkdtemp(prefix=f"omnitoko-sim-{name}-"))
        _TEMPLATES[name] = make(where)
        shutil.rmtree(where, ignore_errors=True)
    return _TEMPLATES[name]


def _store_template(where: Path) -> bytes:
    from pos.adapters.db import Database
    from pos.adapters.migrate import upgrade
    from pos.services import setup
    from pos.services.context import StoreContext

    cfg = make_config(where)
    upgrade(cfg.database.url)
    ctx = StoreContext(db=Database(cfg.database.url), config=cfg)
    setup.load_demo_data(ctx)
    ctx.db.dispose()
    return (where / "store.db").read_bytes()


MANAGER = {"staff_code": "9001", "pin": "4321"}  # the demo manager


def make_config(where: Path) -> Any:
    """The repository's config.toml with the database in `where` (as tests/conftest.py makes it)."""
    from pos.adapters.config import load_config

    cfg = load_config(TESTS.parent / "config.toml", environ={})
    cfg.database.url = f"sqlite:///{where / 'store.db'}"
    return cfg


def _central_template(where: Path) -> bytes:
    from central.migrate import upgrade

    upgrade(f"sqlite:///{where / 'central.db'}")
    return (where / "central.db").read_bytes()


class FaultyLink:
    """Decides, per push and pull, what reaches central and what the agent gets back (all from the seed's rng)."""

    def __init__(self, rng: random.Random, outcome: Outcome, rate: float) -> None:
        self.rng, self.outcome, self.rate, self.offline = rng, outcome, rate, False
        self.sent: list[bytes] = []  # earlier push bodies, for late (delayed, reordered) copies

    def _lost(self, reason: str) -> Any:
        from synckit import server_error

        self.outcome.faults[reason] += 1
        return server_error()

    def push(self, body: bytes, forward: Any) -> Any:
        if self.offline:
            return self._lost("offline")
        roll = self.rng.random()
        if roll < self.rate:
            return self._lost("push dropped")
        if roll < 2 * self.rate:
            forward(body)
            return self._lost("answer lost")  # central applied it; the agent must send it again
        if roll < 3 * self.rate:
            self.outcome.faults["push twice"] += 1
            forward(body)
            return forward(body)
        if roll < 4 * self.rate:
            return self._lost("central 500")
        if roll < 5 * self.rate and self.sent:
            self.outcome.faults["old push arrives late"] += 1
            forward(self.rng.choice(self.sent))  # a delayed copy of an earlier batch overtakes this one
        self.sent = (self.sent + [body])[-20:]
        return forward(body)

    def pull(self, forward: Any) -> Any:
        if self.offline or self.rng.random() < self.rate:
            return self._lost("offline" if self.offline else "pull dropped")
        return forward()


def simulate(seed: int, steps: int = 40, fault_rate: float = 0.08, workdir: Path | None = None,
             tamper: Any = None) -> Outcome:
    """Run one seeded history and check it; never raises for a broken invariant (the outcome lists it).

    `tamper(central_context)` runs just before the checks: the test of the checkers themselves breaks something.
    """
    from central.db import central_database
    from central.services import demo, stores
    from central.services.context import CentralContext
    from central.web.app import create_central_app
    from central.services import loyalty as central_loyalty
    from pos.adapters import member_qr
    from pos.adapters.db import Database
    from pos.domain.errors import DomainError
    from pos.services import auth, checkout, loyalty, loyalty_facts, refunds, sales, shifts, stock_admin
    from pos.services.context import StoreContext
    from synckit import CATALOG, SKUS, STORE, Faults, central_config, sell, start_server
    from sync_agent.agent import Agent

    rng = random.Random(seed)
    outcome = Outcome(seed)
    own_dir = workdir is None
    where = Path(tempfile.mkdtemp(prefix=f"omnitoko-sim-{seed}-")) if own_dir else workdir
    assert where is not None
    (where / "store.db").write_bytes(_template("store", _store_template))
    (where / "central.db").write_bytes(_template("central", _central_template))

    ccfg = central_config(f"sqlite:///{where / 'central.db'}")
    ccfg.loyalty.signing_key = member_qr.new_private_key()  # made for this run
    cctx = CentralContext(db=central_database(ccfg.database.url), config=ccfg)
    demo.load(cctx, products_limit=CATALOG)
    phones = [central_loyalty.sign_up(cctx, f"Member {i}", f"08129{seed % 10**5:05d}{i}")["phone"] for i in range(3)]
    token = stores.add_store(cctx, STORE, "Omnitoko Kemang")
    app = create_central_app(ccfg, db=cctx.db)
    app.extensions["omnitoko_central"] = cctx
    faults = Faults(app.wsgi_app)
    app.wsgi_app = faults  # type: ignore[method-assign]
    link = FaultyLink(rng, outcome, fault_rate)
    faults.on_push, faults.on_pull = link.push, link.pull
    server, thread, base = start_server(app)

    cfg = make_config(where)
    cfg.sync.central_url, cfg.sync.token = base, token
    cfg.sync.interval_seconds, cfg.sync.timeout_seconds, cfg.sync.batch_size = 0.2, 5.0, rng.choice([3, 10, 50])
    store = StoreContext(db=Database(cfg.database.url), config=cfg)
    loyalty_facts.install(store)  # member sales book points, as the store server does
    skew = [timedelta(0)]

    def clock() -> datetime:
        return datetime.now(timezone.utc).replace(tzinfo=None) + skew[0]

    def new_agent() -> Agent:
        return Agent(cfg, db=Database(cfg.database.url), clock=clock, say=lambda _t: None, rng=random.Random(seed))

    agent = new_agent()
    try:
        cashier = auth.sign_in(store, "1001", "1234", "T1")[1]
        shifts.open_shift(store, cashier, 200_000)
        manager = auth.sign_in(store, "9001", "4321", "T1")[1]  # once: every PIN check costs a deliberate scrypt
        barcodes = _barcodes(store, SKUS)
        done: list[dict[str, Any]] = []
        offline_left = 0
        for _ in range(steps):
            roll = rng.random()
            try:
                if roll < 0.40 or not done:
                    items = [(rng.choice(barcodes), rng.randint(1, 3)) for _ in range(rng.randint(1, 3))]
                    done.append(sell(store, cashier, items))
                    outcome.ops["sale"] += 1
                elif roll < 0.55:
                    view, _ = sales.create_sale(store, cashier)
                    for _ in range(rng.randint(1, 3)):
                        view = sales.add_line(store, cashier, view["id"], barcode=rng.choice(barcodes),
                                              qty=rng.randint(1, 5))
                    loyalty.attach(store, cashier, view["id"], phone=rng.choice(phones))
                    view = sales.add_tender(store, cashier, view["id"], "cash", view["total"], None)
                    done.append(checkout.complete(store, cashier, view["id"]))
                    outcome.ops["member sale"] += 1
                elif roll < 0.70:
                    sale = rng.choice(done)
                    line = rng.choice(sale["lines"])
                    refunds.refund(store, cashier, sale["number"], [(line["id"], 1)], MANAGER, reason="rusak")
                    outcome.ops["refund"] += 1
                elif roll < 0.80:
                    qty, reason = rng.randint(1, 4), rng.choice(["damaged", "found", "expired", "lost"])
                    stock_admin.adjust(store, manager, rng.choice(barcodes), qty, reason)
                    outcome.ops["adjustment"] += 1
                else:
                    link.offline = offline_left > 0
                    if rng.random() < 0.15:
                        offline_left = rng.randint(2, 8)  # the store's line is down for a while
                        outcome.faults["offline stretch"] += 1
                    if rng.random() < 0.2:
                        agent.stop.set()
                        agent.close()  # killed: its lease stays behind
                        skew[0] += timedelta(seconds=agent.lease_ttl + 1)  # ... until it runs out
                        agent = new_agent()
                        outcome.faults["agent restart"] += 1
                    agent.round()
                    outcome.ops["sync round"] += 1
            except DomainError as e:
                if not any(word in e.code for word in OTHER_ERRORS):
                    outcome.problems.append(f"unexpected refusal {e.code}: {e.message}")
                outcome.ops[f"refused {e.code}"] += 1
            offline_left = max(0, offline_left - 1)
        # The line comes back and faults stop: the agent must bring central up to date.
        link.offline, link.rate = False, 0.0
        for _ in range(30):
            if agent.round().ok:
                break
        else:
            outcome.problems.append("the agent never got clean once the faults stopped")
        if tamper is not None:
            tamper(cctx)
        outcome.problems += check(store, cctx)
        outcome.ops["points at central"] = points_at_central(cctx)
    except Exception as e:  # noqa: BLE001 - a crash is a finding for this seed, not the end of the run
        import traceback

        outcome.problems.append(f"crashed: {type(e).__name__}: {e}\n{traceback.format_exc()}")
    finally:
        agent.stop.set()
        agent.close()
        server.shutdown()
        thread.join(timeout=5)
        store.db.dispose()
        cctx.db.dispose()
        if own_dir:
            shutil.rmtree(where, ignore_errors=True)
    return outcome


def _barcodes(store: Any, skus: list[str]) -> list[str]:
    from pos.adapters.tables import Product

    with store.db.sessions() as s:
        return [b for b in s.scalars(select(Product.barcode).where(Product.sku.in_(skus))) if b]


def new_seed() -> int:
    return uuid.uuid4().int % 10**6
