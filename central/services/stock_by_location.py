"""One product's stock at every place head office knows (the online warehouse first, then each store): on hand as
the stores' ledgers have reached central, held for online orders and carts, free to sell, and on its way there in
a transfer, with when each store was last heard from (its figures are as of then). Weighed goods are in grams, as
everywhere in the ledgers (the page shows kg)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from central.tables import Product, Store, Transfer, TransferLine

from .cart_views import locations, reserved
from .context import CentralContext
from .stock import levels
from .store_health import last_contact
from .stores import ONLINE


def of_product(ctx: CentralContext, sku: str) -> dict[str, Any]:
    with ctx.db.sessions() as s:
        measure = s.scalar(select(Product.measure).where(Product.sku == sku)) or "unit"
        on_hand = {loc: q for (loc, _), q in levels(s, skus=[sku]).items()}
        held = {loc: q for (loc, _), q in reserved(s, ctx.clock(), [sku]).items()}
        coming = dict(
            s.execute(
                select(Transfer.to_store, func.coalesce(func.sum(TransferLine.sent), 0))
                .join(TransferLine, TransferLine.transfer_id == Transfer.id)
                .where(Transfer.status == "sent", TransferLine.sku == sku)
                .group_by(Transfer.to_store)
            ).all()
        )
        places = locations(s)
        heard = {st.id: last_contact(st) for st in s.scalars(select(Store))}
    rows: list[dict[str, Any]] = []
    empty = 0
    for place in places:
        code = place["code"]
        here, kept, due = on_hand.get(code, 0), held.get(code, 0), int(coming.get(code) or 0)
        if not (here or kept or due):
            empty += 1  # a chain of 1,000 stores: the places with none are counted, not listed
            continue
        rows.append(
            {
                **place,
                "on_hand": here,
                "held": kept,
                "free": max(0, here - kept),
                "coming": due,
                "below_zero": here < 0,
                "store": code != ONLINE,  # the online warehouse is central's own ledger: always current
                "heard_at": heard.get(code),
            }
        )
    total = {k: sum(int(r[k]) for r in rows) for k in ("on_hand", "held", "free", "coming")}
    return {"sku": sku, "measure": measure, "rows": rows, "total": total, "empty": empty}
