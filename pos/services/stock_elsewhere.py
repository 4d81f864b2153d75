"""Who else has this SKU near me: asked of the central store on demand, with a clear answer when it cannot say.

The store's feed carries only its neighbours' figures; the till, kiosk and manager page ask central for the rest
when a person looks at one product. The local read is closed before the network call (no transaction is ever
open while the store waits on central), and central unreachable is an answer, not an error: `reason` names why
there is no list ("not_connected", "offline", "refused"; "" with one) for a screen to say in its own words.
"""

from __future__ import annotations

from typing import Any

from pos.adapters.central_stock import Refused, StockClient, Unreachable, client_for
from pos.services.catalog import find_product, on_hand

from .context import StoreContext

OFFLINE = "central store unreachable; showing this store only"
NOT_CONNECTED = "this store is not connected to a central store; showing this store only"


def elsewhere(ctx: StoreContext, sku: str, client: StockClient | None = None) -> dict[str, Any]:
    """This store's on hand, and the other stores (neighbours first) and the online shop that have the SKU."""
    with ctx.db.sessions() as s:
        p = find_product(s, sku=sku)
        # measure: a weighed product's figures (here and at every location) are grams, shown as kg
        here = {"sku": p.sku, "name": p.name, "measure": p.measure, "on_hand": on_hand(s, [p.sku])[p.sku]}
    client = client or client_for(ctx.config)
    if client is None:
        return {**here, "online": False, "reason": "not_connected", "message": NOT_CONNECTED, "locations": []}
    try:
        answer = client.elsewhere(p.sku)
    except Unreachable:
        return {**here, "online": False, "reason": "offline", "message": OFFLINE, "locations": []}
    except Refused as e:
        return {**here, "online": False, "reason": "refused", "message": f"{OFFLINE} ({e.message})", "locations": []}
    return {**here, "online": True, "reason": "", "message": "", "locations": answer.get("locations", [])}
