"""The store's composition root: the one place that builds the services' context, its adapters and the after-sale
steps, for the store server (kiosk included), the CLI, the sync agent and the tests.

Nothing here depends on the order modules were imported: the steps and their order are the list below.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from common.db import Database
from common.tables import utcnow
from pos.adapters.config import StoreConfig
from pos.services.after_sale import AfterSale, AfterSaleStep
from pos.services.context import Notifier, StoreContext
from pos.services.loyalty_facts import BookPoints
from pos.services.online_cart_sales import CheckOutOnlineCart
from pos.services.printing import PrintQueue

if TYPE_CHECKING:
    from sync_agent.agent import Agent

StepFactory = Callable[[StoreContext], AfterSaleStep]

# What runs inside a sale's (refund's, void's) transaction once it is recorded, in this order.
AFTER_SALE: tuple[tuple[str, StepFactory], ...] = (  # type: ignore[assignment]  # step classes are factories
    ("online_cart", CheckOutOnlineCart),  # first: central refusing the cart stops the sale before anything is booked
    ("points", BookPoints),  # before the receipt, which prints the points earned and used
    ("receipt", PrintQueue),  # last: the receipt (and its link on the till) shows everything above
)
STEPS: tuple[str, ...] = tuple(name for name, _ in AFTER_SALE)


def after_sale(ctx: StoreContext, names: Iterable[str]) -> AfterSale:
    """The declared steps named (in the declared order, whatever order the names come in); a step the context
    already has is kept as it is (the print worker holds the receipt step)."""
    wanted = set(names)
    unknown = wanted - set(STEPS)
    if unknown:
        raise ValueError(f"unknown after-sale step {', '.join(sorted(unknown))} (known: {', '.join(STEPS)})")
    have = {type(step): step for step in ctx.after_sale.steps}
    return AfterSale(
        tuple(
            have.get(make) or make(ctx)  # type: ignore[call-overload]  # a class is its factory
            for name, make in AFTER_SALE
            if name in wanted or make in have
        )
    )


def store_context(
    config: StoreConfig,
    db: Database | None = None,
    *,
    notify: Notifier | None = None,
    clock: Callable[[], datetime] = utcnow,
    steps: Iterable[str] = STEPS,
) -> StoreContext:
    """The context every store service takes; `steps` narrows the after-sale steps (tests that want none)."""
    ctx = StoreContext(db=db or Database(config.database.url), config=config, clock=clock)
    if notify is not None:
        ctx.notify = notify
    ctx.after_sale = after_sale(ctx, steps)
    return ctx


def enable(ctx: StoreContext, *names: str) -> StoreContext:
    """Add declared steps to a context built with fewer; they take their declared place, not the end."""
    ctx.after_sale = after_sale(ctx, names)
    return ctx


def sync_agent(config: StoreConfig, db: Database | None = None, say: Callable[[str], None] | None = None) -> Agent:
    """The sync agent on the store's database (it makes its one keep-alive client for the central store)."""
    # Imported here: the agent builds on pos, and no other module of pos imports it.
    from sync_agent.agent import Agent

    return Agent(config, db=db or Database(config.database.url), say=say)
