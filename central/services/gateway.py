"""The payment gateway port: what the central store asks of a gateway (Midtrans, or the stand-in shipped with
Omnitoko), in its own terms. Adapters live in central/gateways/; services see only this."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from common.errors import DomainError

# The gateway's transaction statuses in the order they may follow one another: a status never moves a payment
# to a lower rank. Failure states close an unpaid payment; refunds follow a paid one.
RANK = {
    "created": 0,
    "pending": 1,
    "authorize": 1,
    "settlement": 2,
    "capture": 2,
    "expire": 2,
    "cancel": 2,
    "deny": 2,
    "failure": 2,
    "partial_refund": 3,
    "refund": 4,
}
PAID = frozenset({"settlement", "capture", "partial_refund", "refund"})
FAILED = frozenset({"expire", "cancel", "deny", "failure"})


class GatewayError(DomainError):
    """The gateway refused or did not answer; never carries a key."""

    status = 502


@dataclass(frozen=True)
class Item:
    id: str
    name: str
    price: int
    quantity: int


@dataclass(frozen=True)
class NewTransaction:
    token: str
    redirect_url: str


@dataclass(frozen=True)
class GatewayRefund:
    key: str  # our refund key, or the gateway's refund id
    amount: int
    reason: str = ""
    reference: str = ""  # the gateway's own id for this refund (Midtrans: refund_chargeback_id)


@dataclass(frozen=True)
class GatewayStatus:
    order_id: str
    transaction_status: str  # created (the gateway has no transaction yet) | pending | settlement | ...
    gross_amount: int | None
    transaction_id: str | None = None
    payment_type: str | None = None
    fraud_status: str | None = None
    refunds: tuple[GatewayRefund, ...] = ()

    @property
    def rank(self) -> int:
        return RANK.get(self.transaction_status, -1)

    @property
    def paid(self) -> bool:
        if self.transaction_status == "capture":
            return self.fraud_status in (None, "accept")
        return self.transaction_status in PAID


@dataclass(frozen=True)
class QrisCharge:
    order_id: str
    transaction_id: str
    qr_string: str
    qr_url: str | None


class PaymentGateway(Protocol):
    def create_transaction(
        self, order_id: str, amount: int, items: list[Item], finish_url: str, expiry_minutes: int
    ) -> NewTransaction: ...

    def status(self, order_id: str) -> GatewayStatus: ...

    def refund(self, order_id: str, refund_key: str, amount: int, reason: str) -> GatewayStatus: ...

    def charge_qris(self, order_id: str, amount: int, expiry_minutes: int) -> QrisCharge: ...

    def cancel(self, order_id: str) -> GatewayStatus: ...
