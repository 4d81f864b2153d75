"""The stand-in's transactions, in memory (it is a stand-in: a restart forgets them), and the notifications it
signs like Midtrans. Every change happens under one lock; notifications are sent after it is let go."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from common import qris
from common.errors import Conflict, DomainError, NotFound
from common.payment_signature import gross_amount_text, signature

STATUS_CODE = {"pending": "201", "settlement": "200", "capture": "200", "cancel": "200", "deny": "202"}
STATUS_CODE.update({"expire": "407", "refund": "200", "partial_refund": "200"})
MERCHANT = qris.Merchant(
    (qris.MerchantAccount("51", qris.QRIS_DOMAIN, merchant_id="ID1026000000001", criteria="UMI"),),
    "OMNITOKO STAND-IN",
    "JAKARTA",
)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass
class Txn:
    order_id: str
    amount: int
    token: str
    finish_url: str
    expires_at: datetime
    status: str = "created"  # created: nobody chose how to pay yet (status answers 404, as Midtrans does)
    transaction_id: str = field(default_factory=lambda: secrets.token_hex(16))
    payment_type: str | None = None
    items: list[dict[str, Any]] = field(default_factory=list)
    refunds: list[dict[str, Any]] = field(default_factory=list)
    qr_string: str | None = None

    @property
    def refunded(self) -> int:
        return sum(int(r["amount"]) for r in self.refunds)


class Ledger:
    def __init__(
        self, server_key: str, notify: Callable[[dict[str, Any]], None], clock: Callable[[], datetime] = _now
    ) -> None:
        self._key, self._notify, self.clock = server_key, notify, clock
        self._lock = threading.Lock()
        self._by_order: dict[str, Txn] = {}
        self._by_token: dict[str, Txn] = {}
        self.sent: list[dict[str, Any]] = []  # every notification signed, in order (tests replay them)

    def authorized(self, key: str) -> bool:
        return bool(self._key) and secrets.compare_digest(key.encode(), self._key.encode())

    def create(self, order_id: str, amount: int, finish_url: str, minutes: int, items: list[dict[str, Any]]) -> Txn:
        if not order_id or len(order_id) > 50 or amount < 1:
            raise DomainError("bad_transaction", "an order id is 1-50 characters and an amount above zero")
        with self._lock:
            if order_id in self._by_order:
                raise Conflict("order_id_taken", f"transaction_details.order_id {order_id} has already been taken")
            txn = Txn(
                order_id, amount, secrets.token_urlsafe(24), finish_url, self.clock() + timedelta(minutes=minutes)
            )
            txn.items = items
            self._by_order[order_id], self._by_token[txn.token] = txn, txn
            return txn

    def charge_qris(self, order_id: str, amount: int, minutes: int) -> Txn:
        txn = self.create(order_id, amount, "", minutes, [])
        with self._lock:
            txn.qr_string = qris.build(MERCHANT, amount, reference=order_id[:25])
        self._move(txn, "pending", "qris")
        return txn

    def by_token(self, token: str) -> Txn:
        txn = self._by_token.get(token)
        if txn is None:
            raise NotFound("unknown_token", "this payment page does not exist")
        return txn

    def by_qr(self, qr_string: str) -> Txn:
        """The QRIS charge a scanned code belongs to (what the shopper's bank app does with it)."""
        txn = next((t for t in list(self._by_order.values()) if t.qr_string and t.qr_string == qr_string), None)
        if txn is None:
            raise NotFound("unknown_qr", "no QRIS charge has this code")
        return txn

    def by_order(self, order_id: str) -> Txn:
        self.expire_due()
        txn = self._by_order.get(order_id)
        if txn is None or txn.status == "created":
            raise NotFound("404", "Transaction doesn't exist.")
        return txn

    def _move(self, txn: Txn, status: str, payment_type: str | None = None) -> dict[str, Any]:
        with self._lock:
            txn.status = status
            txn.payment_type = payment_type or txn.payment_type
            body = self.status_body(txn)
            self.sent.append(body)
        self._notify(body)
        return body

    def pay(self, token: str, payment_type: str = "qris") -> None:
        """The shopper paid: pending first (as Midtrans reports it), then settlement."""
        txn = self.by_token(token)
        if txn.status not in ("created", "pending"):
            raise Conflict("not_payable", f"this payment is {txn.status}")
        if txn.status == "created":
            self._move(txn, "pending", payment_type)
        self._move(txn, "settlement")

    def pay_order(self, order_id: str) -> None:
        self.pay(self.by_order(order_id).token)

    def cancel(self, token: str) -> None:
        txn = self.by_token(token)
        if txn.status not in ("created", "pending"):
            raise Conflict("not_cancellable", f"this payment is {txn.status}")
        self._move(txn, "cancel")

    def expire(self, token: str) -> None:
        """Let it lapse now (the page's button; also what the clock does at expires_at)."""
        txn = self.by_token(token)
        if txn.status in ("created", "pending"):
            self._move(txn, "expire")

    def expire_due(self) -> None:
        now = self.clock()
        for txn in [t for t in self._by_order.values() if t.status in ("created", "pending") and t.expires_at <= now]:
            self._move(txn, "expire")

    def refund(self, order_id: str, key: str, amount: int, reason: str) -> dict[str, Any]:
        txn = self.by_order(order_id)
        with self._lock:
            if any(r["refund_key"] == key for r in txn.refunds):  # the same key again: the same refund
                return self.status_body(txn)
            if txn.status not in ("settlement", "capture", "partial_refund"):
                raise Conflict("412", f"Transaction status is {txn.status}: it cannot be refunded")
            if not key or amount < 1 or amount > txn.amount - txn.refunded:
                raise DomainError("412", f"a refund is 1 to {txn.amount - txn.refunded}")
            txn.refunds.append(
                {
                    "refund_chargeback_id": 100_000 + secrets.randbelow(900_000_000),
                    "refund_amount": gross_amount_text(amount),
                    "created_at": self.clock().strftime("%Y-%m-%d %H:%M:%S"),
                    "reason": reason,
                    "refund_key": key,
                    "amount": amount,
                }
            )
        self._move(txn, "refund" if txn.refunded == txn.amount else "partial_refund")
        return self.status_body(txn)

    def status_body(self, txn: Txn) -> dict[str, Any]:
        """The status answer and the notification body alike, signed."""
        code, gross = STATUS_CODE.get(txn.status, "201"), gross_amount_text(txn.amount)
        body: dict[str, Any] = {
            "transaction_time": self.clock().strftime("%Y-%m-%d %H:%M:%S"),
            "transaction_status": txn.status,
            "transaction_id": txn.transaction_id,
            "status_message": f"midtrans payment notification ({txn.status})",
            "status_code": code,
            "signature_key": signature(txn.order_id, code, gross, self._key),
            "payment_type": txn.payment_type or "qris",
            "order_id": txn.order_id,
            "merchant_id": "G000STANDIN",
            "gross_amount": gross,
            "fraud_status": "accept",
            "currency": "IDR",
        }
        if txn.refunds:
            body["refund_amount"] = gross_amount_text(txn.refunded)
            body["refunds"] = [{k: v for k, v in r.items() if k != "amount"} for r in txn.refunds]
        return body
