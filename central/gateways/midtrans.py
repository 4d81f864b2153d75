"""The Midtrans adapter, on the official `midtransclient`: Snap for the shop's payment page, the Core API for
status, refunds and QRIS charges. A base URL points both at the stand-in gateway (demo, tests)."""

from __future__ import annotations

from typing import Any

import midtransclient
import requests
from midtransclient.error_midtrans import MidtransAPIError

from central.services.gateway import (
    GatewayError,
    GatewayRefund,
    GatewayStatus,
    Item,
    NewTransaction,
    QrisCharge,
)
from common.payment_signature import gross_amount_text, parse_gross_amount


class _TimedRequests:
    """What midtransclient calls as `requests` (it sets no timeout): the same call, with ours."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        return requests.request(method, url, timeout=self.timeout, **kwargs)


class MidtransGateway:
    def __init__(self, server_key: str, *, is_production: bool = False, base_url: str = "", timeout: float = 10):
        self._configured = bool(server_key)
        self._snap = midtransclient.Snap(is_production=is_production, server_key=server_key)
        self._core = midtransclient.CoreApi(is_production=is_production, server_key=server_key)
        for api in (self._snap, self._core):
            if base_url:
                api.api_config.CORE_SANDBOX_BASE_URL = api.api_config.CORE_PRODUCTION_BASE_URL = base_url
                api.api_config.SNAP_SANDBOX_BASE_URL = api.api_config.SNAP_PRODUCTION_BASE_URL = base_url + "/snap/v1"
            api.http_client.http_client = _TimedRequests(timeout)

    def __repr__(self) -> str:  # the client's own repr prints the server key
        return f"<MidtransGateway {self._core.api_config.get_core_api_base_url()}>"

    def _call(self, what: str, fn: Any, *args: Any) -> dict[str, Any]:
        if not self._configured:
            raise GatewayError("gateway_not_configured", "online payment is not set up: the gateway has no server key")
        try:
            return dict(fn(*args))
        except MidtransAPIError as e:
            body = e.api_response_dict if isinstance(e.api_response_dict, dict) else {}
            code = str(body.get("status_code") or e.http_status_code or "")
            message = str(body.get("status_message") or body.get("error_messages") or "refused")[:200]
            raise GatewayError(
                "gateway_refused", f"the payment gateway refused {what}: {message}", gateway_code=code
            ) from None
        except (requests.RequestException, ValueError) as e:
            raise GatewayError(
                "gateway_unreachable", f"the payment gateway did not answer {what}: {type(e).__name__}"
            ) from None

    def create_transaction(
        self, order_id: str, amount: int, items: list[Item], finish_url: str, expiry_minutes: int
    ) -> NewTransaction:
        body = snap_request(order_id, amount, items, finish_url, expiry_minutes)
        answer = self._call("the payment page", self._snap.create_transaction, body)
        return NewTransaction(token=str(answer["token"]), redirect_url=str(answer["redirect_url"]))

    def status(self, order_id: str) -> GatewayStatus:
        try:
            answer = self._call("a status check", self._core.transactions.status, order_id)
        except GatewayError as e:
            if e.detail.get("gateway_code") == "404":  # Snap: nobody chose a way to pay yet
                return GatewayStatus(order_id=order_id, transaction_status="created", gross_amount=None)
            raise
        return status_from(answer)

    def refund(self, order_id: str, refund_key: str, amount: int, reason: str) -> GatewayStatus:
        body = {"refund_key": refund_key, "amount": amount, "reason": reason[:200]}
        self._call("the refund", self._core.transactions.refund, order_id, body)
        return self.status(order_id)

    def cancel(self, order_id: str) -> GatewayStatus:
        """Withdraw an unpaid transaction (a QRIS the shopper will not pay); its status after, whatever it is."""
        self._call("the cancellation", self._core.transactions.cancel, order_id)
        return self.status(order_id)

    def charge_qris(self, order_id: str, amount: int, expiry_minutes: int) -> QrisCharge:
        body = {
            "payment_type": "qris",
            "transaction_details": {"order_id": order_id, "gross_amount": amount},
            "custom_expiry": {"expiry_duration": expiry_minutes, "unit": "minute"},
        }
        answer = self._call("the QRIS charge", self._core.charge, body)
        url = next((a.get("url") for a in answer.get("actions") or [] if a.get("name") == "generate-qr-code"), None)
        return QrisCharge(order_id, str(answer.get("transaction_id") or ""), str(answer.get("qr_string") or ""), url)


def snap_request(order_id: str, amount: int, items: list[Item], finish_url: str, expiry_minutes: int) -> dict:
    """Snap's body; the items' prices add up to the amount (Midtrans refuses them otherwise)."""
    details = [{"id": i.id[:50], "name": i.name[:50], "price": i.price, "quantity": i.quantity} for i in items]
    if sum(i.price * i.quantity for i in items) != amount:
        details = [{"id": "ORDER", "name": f"Order {order_id}"[:50], "price": amount, "quantity": 1}]
    return {
        "transaction_details": {"order_id": order_id, "gross_amount": amount},
        "item_details": details,
        "callbacks": {"finish": finish_url},
        "expiry": {"unit": "minutes", "duration": expiry_minutes},
    }


def status_from(answer: dict[str, Any]) -> GatewayStatus:
    refunds = tuple(
        GatewayRefund(
            key=str(r.get("refund_key") or r.get("refund_chargeback_id") or ""),
            amount=parse_gross_amount(str(r.get("refund_amount") or "0")) or 0,
            reason=str(r.get("reason") or "")[:200],
            reference=str(r.get("refund_chargeback_id") or "")[:64],
        )
        for r in answer.get("refunds") or []
    )
    return GatewayStatus(
        order_id=str(answer.get("order_id") or ""),
        transaction_status=str(answer.get("transaction_status") or ""),
        gross_amount=parse_gross_amount(str(answer.get("gross_amount") or "")),
        transaction_id=answer.get("transaction_id"),
        payment_type=answer.get("payment_type"),
        fraud_status=answer.get("fraud_status"),
        refunds=refunds,
    )


__all__ = ["MidtransGateway", "gross_amount_text", "snap_request", "status_from"]
