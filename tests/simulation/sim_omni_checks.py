"""Checkers for the omnichannel work of a history: transfers and online payments.

- Transfers: every store's transfer movements equal what central recorded for that store (out when sent, in when
  received); central's ledger of each transfer agrees with its entries (sent units out of the sender, received
  units into the receiver, nothing in for one still in transit); both stores see each transfer at central's step.
- Payments: an online payment is a sale at central exactly once when it is paid (or a double-payment alert when
  the cart was paid in a store first), never when it is not; what the gateway settled central believes.
"""

from __future__ import annotations

from collections import Counter as Tally
from typing import Any

from sqlalchemy import func, select


def transfers(stores: list[Any], cctx: Any) -> list[str]:
    from central.tables import StockEntry, Transfer, TransferLine
    from pos.adapters.tables import StockMovement
    from pos.adapters.tables import Transfer as StoreTransfer

    problems: list[str] = []
    with cctx.db.sessions() as s:
        states = dict(s.execute(select(Transfer.id, Transfer.status)).all())
        units = Tally()
        for t_id, sent, received in s.execute(
            select(TransferLine.transfer_id, TransferLine.sent, TransferLine.received)
        ):
            units[(t_id, "transfer_out")] -= sent or 0
            units[(t_id, "transfer_in")] += received or 0
        entries = Tally(
            {
                (ref, kind): int(q)
                for ref, kind, q in s.execute(
                    select(StockEntry.ref_id, StockEntry.kind, func.sum(StockEntry.qty))
                    .where(StockEntry.kind.in_(["transfer_out", "transfer_in"]))
                    .group_by(StockEntry.ref_id, StockEntry.kind)
                )
            }
        )
        by_place = Tally(
            {
                (loc, sku): int(q)
                for loc, sku, q in s.execute(
                    select(StockEntry.location, StockEntry.sku, func.sum(StockEntry.qty))
                    .where(StockEntry.kind.in_(["transfer_out", "transfer_in"]))
                    .group_by(StockEntry.location, StockEntry.sku)
                )
            }
        )
    for key in set(units) | set(entries):
        if units[key] != entries[key]:
            problems.append(f"transfer {key[0]}: its lines say {key[1]} {units[key]}, the ledger {entries[key]}")
    in_transit = sum(-units[(t, "transfer_out")] for t, st in states.items() if st == "sent")
    if any(entries[(t, "transfer_in")] for t, st in states.items() if st != "received"):
        problems.append(f"stock arrived for a transfer still in transit ({in_transit} units in transit)")
    for store in stores:
        with store.ctx.db.sessions() as s:
            mine = Tally(
                {
                    sku: int(q)
                    for sku, q in s.execute(
                        select(StockMovement.sku, func.sum(StockMovement.qty))
                        .where(StockMovement.kind == "transfer")
                        .group_by(StockMovement.sku)
                    )
                }
            )
            local = dict(s.execute(select(StoreTransfer.id, StoreTransfer.status)).all())
        theirs = Tally({sku: q for (loc, sku), q in by_place.items() if loc == store.id})
        if +mine != +theirs or -mine != -theirs:
            problems.append(
                f"{store.id} moved {dict(+mine)}/{dict(-mine)} by transfers, central has {dict(+theirs)}/{dict(-theirs)}"
            )
        for t_id, status in local.items():
            if states.get(t_id) != status:
                problems.append(f"{store.id} sees transfer {t_id} as {status}, central as {states.get(t_id)}")
    return problems


def payments(cctx: Any, gateway: Any, journal: Any) -> list[str]:
    from central.services.gateway import PAID
    from central.services.stores import ONLINE
    from central.tables import Alert, Payment, Sale

    problems: list[str] = []
    with cctx.db.sessions() as s:
        rows = list(s.scalars(select(Payment)))
        sales = Tally(s.scalars(select(Sale.number).where(Sale.store_id == ONLINE)))
        doubles = set(s.scalars(select(Alert.event_id).where(Alert.kind == "payment_double")))
    said = gateway.paid()
    seen = set()
    for p in rows:
        seen.add(p.order_id)
        paid = p.status in PAID
        want = 1 if paid and p.id not in doubles else 0
        if sales[p.order_id] != want:
            problems.append(f"online order {p.order_id} ({p.status}) is a sale at central {sales[p.order_id]} times")
        if paid != (said.get(p.order_id) in PAID):
            problems.append(f"online order {p.order_id}: central says {p.status}, the gateway {said.get(p.order_id)}")
    for order, status in said.items():
        started = journal.payments.get(order)
        if order not in seen and status in PAID and started is not None and not journal.lost(started):
            problems.append(f"the gateway settled order {order}, which central does not have")
    return problems
