"""Two stores and a central store for the transfer tests: TOKO-01 (the `store` fixture) and TOKO-02 beside it,
each with its own database, manager and sync agent; tools to read what moved where."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from synckit import connect_store, sync_until_clean

from central.services import stores
from central.tables import StockEntry
from common.db import Database
from pos import bootstrap
from pos.adapters.config import load_config
from pos.adapters.migrate import upgrade
from pos.adapters.tables import StockMovement
from pos.services import auth, setup
from pos.services.context import StoreContext
from sync_agent.agent import Agent

ROOT = Path(__file__).resolve().parents[2]
AQUA_330, AQUA_600 = "SKU-00001", "SKU-00002"
DEAD = "http://127.0.0.1:9"  # nothing listens there: the store is offline


def new_store(where: Path, store_id: str) -> StoreContext:
    """A store with the demo catalog, staff and opening stock in its own database."""
    where.mkdir(parents=True, exist_ok=True)
    cfg = load_config(ROOT / "config.toml", environ={})
    cfg.database.url = f"sqlite:///{where / 'store.db'}"
    cfg.store.id, cfg.store.name = store_id, f"Omnitoko {store_id}"
    cfg.server.secret_key = "transfer-test-key-" + "0123456789abcdef" * 2
    upgrade(cfg.database.url)
    ctx = bootstrap.store_context(cfg, Database(cfg.database.url), steps=())
    setup.load_demo_data(ctx)
    return ctx


@dataclass
class Side:
    """One store in a test: its context, manager and agent."""

    ctx: StoreContext
    manager: Any
    agent: Agent

    @property
    def id(self) -> str:
        return self.ctx.store_id

    def sync(self) -> Any:
        return sync_until_clean(self.agent)

    def line(self, up: bool) -> None:
        """The store's line to central up or down (the agent's client pointed at nothing when down)."""
        from sync_agent.client import CentralClient

        sync = self.ctx.config.sync
        url = sync.central_url if up else DEAD
        self.agent.client = CentralClient(url, sync.token, sync.timeout_seconds, agent_id=self.agent.owner)


def side(ctx: StoreContext, central: Any, token: str) -> Side:
    connect_store(ctx, central)
    ctx.config.sync.token = token
    agent = Agent(ctx.config, db=Database(ctx.config.database.url), clock=ctx.clock, say=lambda _t: None)
    return Side(ctx, auth.sign_in(ctx, "9001", "4321", "T1")[1], agent)


@pytest.fixture
def pair(central: Any, store: StoreContext, tmp_path: Path) -> Iterator[tuple[Side, Side]]:
    """TOKO-01 and TOKO-02, both registered at central and synced once (each knows the other)."""
    token_b = stores.add_store(central.ctx, "TOKO-02", "Omnitoko Depok")
    a = side(store, central, central.token)
    b = side(new_store(tmp_path / "toko-02", "TOKO-02"), central, token_b)
    a.sync()
    b.sync()
    yield a, b
    for s in (a, b):
        s.agent.stop.set()
        s.agent.close()
    b.ctx.db.dispose()


def transfer_moves(ctx: StoreContext) -> dict[str, int]:
    """Net transfer movements per SKU in a store's own ledger."""
    with ctx.db.sessions() as s:
        rows = s.execute(
            select(StockMovement.sku, func.sum(StockMovement.qty))
            .where(StockMovement.kind == "transfer")
            .group_by(StockMovement.sku)
        ).all()
    return {sku: int(q) for sku, q in rows if q}


def central_transfer_moves(central: Any, location: str) -> dict[str, int]:
    with central.ctx.db.sessions() as s:
        rows = s.execute(
            select(StockEntry.sku, func.sum(StockEntry.qty))
            .where(StockEntry.location == location, StockEntry.kind.in_(["transfer_out", "transfer_in"]))
            .group_by(StockEntry.sku)
        ).all()
    return {sku: int(q) for sku, q in rows if q}


def on_hand(ctx: StoreContext, sku: str) -> int:
    from pos.services.catalog import on_hand as level

    with ctx.db.sessions() as s:
        return level(s, [sku])[sku]
