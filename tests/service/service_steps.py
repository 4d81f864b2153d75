"""Service-test steps: ring up and pay a sale in as few words as a cashier would say it.

A plain module, not a conftest: a second conftest would shadow `from conftest import ...` elsewhere.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from pos.adapters.tables import AuditEntry, OutboxEvent
from pos.services import checkout, till_sale
from pos.services.after_sale import CompletedSale
from pos.services.auth import Actor
from pos.services.context import StoreContext

# The same demo facts as tests/conftest.py states.
MANAGER = {"staff_code": "9001", "pin": "4321"}
AQUA_330 = "8990000100010"  # SKU-00001, Rp 3.500, PPN
AQUA_600 = "8990000100027"  # SKU-00002, Rp 4.500, PPN


def sell(
    store: StoreContext,
    actor: Actor,
    items: list[tuple[str, int]],
    tenders: list[tuple[str, int]] | None = None,
    complete: bool = True,
) -> dict[str, Any]:
    """Scan (barcode, qty) pairs, take the tenders (default: exact cash), complete; returns the sale."""
    view, _ = till_sale.create_sale(store, actor)
    for barcode, qty in items:
        view = till_sale.add_line(store, actor, view["id"], barcode=barcode, qty=qty)
    for kind, amount in tenders if tenders is not None else [("cash", view["total"])]:
        view = till_sale.add_tender(store, actor, view["id"], kind, amount, "REF-0001" if kind == "ewallet" else None)
    return checkout.complete(store, actor, view["id"]) if complete else view


class DiskFull:
    """An after-sale step that fails inside the sale's transaction, as a full disk would: nothing of it may stay."""

    handles = (CompletedSale,)

    def __call__(self, db: Any, fact: CompletedSale, added: Any) -> dict[str, Any]:
        raise RuntimeError("disk full")


def outbox(store: StoreContext) -> list[OutboxEvent]:
    with store.db.sessions() as s:
        return list(s.scalars(select(OutboxEvent).order_by(OutboxEvent.store_seq)))


def payload(event: OutboxEvent) -> dict[str, Any]:
    return json.loads(event.payload)


def audit_log(store: StoreContext, action: str | None = None) -> list[AuditEntry]:
    with store.db.sessions() as s:
        stmt = select(AuditEntry).order_by(AuditEntry.at)
        return list(s.scalars(stmt.where(AuditEntry.action == action) if action else stmt))
