"""The stand-in gateway inside a simulation: the project's own stand-in ledger (Midtrans' contract, signed
notifications), called in-process on the simulated clock, so a seed replays exactly. Its notifications wait in a
queue; the history delivers them late, twice or never (then the shopper's return or the sweep finds out)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from central.gateways.midtrans import status_from
from central.services.gateway import GatewayError, GatewayStatus, Item, NewTransaction, QrisCharge
from central.standin.ledger import Ledger
from common.errors import DomainError, NotFound

KEY = "SB-Mid-server-simulation-key"


class SimGateway:
    """The PaymentGateway port over the stand-in's ledger."""

    def __init__(self, clock: Callable[[], datetime]) -> None:
        self.queue: list[dict[str, Any]] = []
        self.ledger = Ledger(KEY, self.queue.append, clock=clock)

    def create_transaction(
        self, order_id: str, amount: int, items: list[Item], finish_url: str, expiry_minutes: int
    ) -> NewTransaction:
        try:
            txn = self.ledger.create(order_id, amount, finish_url, expiry_minutes, [i.__dict__ for i in items])
        except DomainError as e:  # as the real adapter reports a refusal of the gateway
            raise GatewayError("gateway_refused", e.message) from e
        return NewTransaction(txn.token, f"http://gateway.sim/snap/v2/vtweb/{txn.token}")

    def status(self, order_id: str) -> GatewayStatus:
        try:
            return status_from(self.ledger.status_body(self.ledger.by_order(order_id)))
        except NotFound:
            return GatewayStatus(order_id=order_id, transaction_status="created", gross_amount=None)

    def refund(self, order_id: str, refund_key: str, amount: int, reason: str) -> GatewayStatus:
        try:
            self.ledger.refund(order_id, refund_key, amount, reason)
        except DomainError as e:
            raise GatewayError("gateway_refused", e.message) from e
        return self.status(order_id)

    def charge_qris(self, order_id: str, amount: int, expiry_minutes: int) -> QrisCharge:
        txn = self.ledger.charge_qris(order_id, amount, expiry_minutes)
        return QrisCharge(order_id, txn.transaction_id, txn.qr_string or "", None)

    def paid(self) -> dict[str, str]:
        """order id -> the gateway's status, for every transaction it holds."""
        return {order: txn.status for order, txn in self.ledger._by_order.items()}
