"""A store connected to a central store with the stand-in gateway beside it (all on 127.0.0.1), and the steps of a
till sale paid by dynamic QRIS through the services."""

from __future__ import annotations

from typing import Any

from paykit import Standin
from sqlalchemy import select
from synckit import CentralHarness, connect_store

from central.tables import TillCharge
from pos.services import till_qris, till_sale
from pos.services.context import StoreContext

AQUA_330, AQUA_600 = "8990000100010", "8990000100027"  # Rp 3.500 and Rp 4.500


def ring(store: StoreContext, actor: Any, items: list[tuple[str, int]]) -> dict[str, Any]:
    view, _ = till_sale.create_sale(store, actor)
    for barcode, qty in items:
        view = till_sale.add_line(store, actor, view["id"], barcode=barcode, qty=qty)
    return view


def connected(store: StoreContext, central: CentralHarness) -> StoreContext:
    connect_store(store, central)
    return store


def charge_at_central(central: CentralHarness, charge_id: str) -> TillCharge:
    with central.ctx.db.sessions() as s:
        c = s.scalar(select(TillCharge).where(TillCharge.id == charge_id))
        assert c is not None
        s.expunge(c)
        return c


def pay_at_gateway(standin: Standin, charge: dict[str, Any]) -> None:
    """The shopper scans the QR and pays in their bank's app."""
    standin.ledger.pay_order(till_qris_order(charge))


def till_qris_order(charge: dict[str, Any]) -> str:
    return "TQ-" + charge["charge_id"].replace("-", "")


__all__ = ["AQUA_330", "AQUA_600", "charge_at_central", "connected", "pay_at_gateway", "ring", "till_qris"]
