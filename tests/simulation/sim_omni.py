"""The simulation's omnichannel work: online payments through the stand-in gateway (paid, expired, left to the
sweep; notifications dropped, repeated or late) and stock transfers between the stores (sent, asked for and
answered, received with an occasional difference)."""

from __future__ import annotations

import random
from typing import Any

from sim_gateway import KEY, SimGateway

SHOP_RETURN = "http://shop.sim/finish"


def install_gateway(central: Any, clock: Any) -> SimGateway:
    gateway = SimGateway(lambda: clock.now)
    central.ctx.config.payments.server_key = KEY
    central.ctx.gateway = gateway
    return gateway


def deliver(central: Any, gateway: SimGateway, rng: random.Random, faults: Any, lossy: bool = True) -> None:
    """The gateway's queued notifications reach central: some never, some twice, in order otherwise."""
    from central.services import payment_notifications

    queue, gateway.queue[:] = list(gateway.queue), []
    for body in queue:
        roll = rng.random() if lossy else 1.0
        if roll < 0.15:
            faults["notification lost"] += 1
            continue
        for _ in range(2 if roll > 0.85 else 1):
            payment_notifications.notify(central.ctx, body)
        if roll > 0.85:
            faults["notification repeated"] += 1


def pay_online(history: Any) -> None:
    """A shopper pays a cart online: pays, lets the page expire, or walks away (the sweep finds out)."""
    from central.services import payments

    rng, central, gateway = history.rng, history.central, history.gateway
    cart = history.journal.some_cart(rng)
    view = payments.start(central.ctx, cart.id, SHOP_RETURN)
    history.journal.payments[view["order_id"]] = history.clock.now
    token = view["redirect_url"].rsplit("/", 1)[1]
    roll = rng.random()
    if roll < 0.6:
        gateway.ledger.pay(token)
        history.outcome.ops["paid online"] += 1
    elif roll < 0.8:
        gateway.ledger.expire(token)
        history.outcome.ops["payment expired"] += 1
    deliver(central, gateway, rng, history.outcome.faults)
    if rng.random() < 0.5:  # the shopper's browser comes back from the gateway page: central asks the gateway
        payments.check(central.ctx, view["order_id"], cart.id)


def sweep(history: Any) -> None:
    """Housekeeping on central: payments past their page's expiry are asked about; what was queued arrives."""
    from central.services import payments

    deliver(history.central, history.gateway, history.rng, history.outcome.faults, lossy=False)
    payments.sweep(history.central.ctx)
    deliver(history.central, history.gateway, history.rng, history.outcome.faults, lossy=False)


def transfer(history: Any, store: Any) -> None:
    """A manager sends stock to another store, or asks one for stock."""
    from pos.services import transfers

    rng = history.rng
    other = rng.choice([s for s in history.stores if s is not store])
    lines = [(rng.choice(history.barcodes), rng.randint(1, 4)) for _ in range(rng.randint(1, 2))]
    if rng.random() < 0.35:
        transfers.request(store.ctx, store.manager, other.id, lines, note="sim")
        history.outcome.ops["transfer requested"] += 1
    else:
        transfers.send(store.ctx, store.manager, other.id, lines, note="sim")
        history.outcome.ops["transfer sent"] += 1


def transfer_step(history: Any, store: Any) -> None:
    """The manager works through the transfers waiting here: receives (now and then one short or over), answers
    requests (accepts most, with less sometimes; declines some)."""
    from common.errors import DomainError
    from pos.services import transfer_views, transfers

    rng = history.rng
    for view in transfer_views.board(store.ctx)["todo"]:
        if view["can_receive"]:
            got = {l["id"]: l["sent"] for l in view["lines"] if l["sent"]}
            if rng.random() < 0.2:
                first = next(iter(got))
                got[first] = max(0, got[first] + rng.choice([-2, -1, 1]))
                history.outcome.ops["transfer received with a difference"] += 1
            transfers.receive(store.ctx, store.manager, view["id"], got)
            history.outcome.ops["transfer received"] += 1
        elif rng.random() < 0.25:
            transfers.decline(store.ctx, store.manager, view["id"])
            history.outcome.ops["transfer declined"] += 1
        else:
            want = {
                l["id"]: rng.randint(0, l["requested"]) if rng.random() < 0.3 else l["requested"] for l in view["lines"]
            }
            try:
                transfers.accept(store.ctx, store.manager, view["id"], want)
                history.outcome.ops["transfer accepted"] += 1
            except DomainError as e:  # not enough here (or nothing chosen): the manager declines instead
                if e.code not in ("not_enough_stock", "missing_item"):
                    raise
                transfers.decline(store.ctx, store.manager, view["id"], note=e.code)
                history.outcome.ops["transfer declined"] += 1
