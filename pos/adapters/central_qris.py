"""The store server's calls to the central store's till-QRIS API (charge, poll, cancel, refund), on the shared
keep-alive session; `Unreachable` (no answer in time, a 5xx) and `Refused` (central said no) as for the others."""

from __future__ import annotations

from typing import Any

import requests

from pos.adapters.central_http import CentralHttp, Refused, Unreachable
from pos.adapters.config import StoreConfig

__all__ = ["QrisClient", "Refused", "Unreachable", "qris_client_for"]


class QrisClient(CentralHttp):
    def __init__(self, base_url: str, token: str, timeout: float, session: requests.Session | None = None) -> None:
        super().__init__(base_url, "/api/v1/till-qris", token, timeout, session)

    def charge(self, charge_id: str, sale_id: str, till_id: str, amount: int) -> dict[str, Any]:
        body = {"charge_id": charge_id, "sale_id": sale_id, "till_id": till_id, "amount": amount}
        return self._call("POST", "/charges", json=body)

    def status(self, charge_id: str) -> dict[str, Any]:
        return self._call("GET", f"/charges/{charge_id}")

    def cancel(self, charge_id: str) -> dict[str, Any]:
        return self._call("POST", f"/charges/{charge_id}/cancel", json={})

    def refund(self, charge_id: str, refund_id: str, amount: int, reason: str) -> dict[str, Any]:
        body = {"refund_id": refund_id, "amount": amount, "reason": reason[:200]}
        return self._call("POST", f"/charges/{charge_id}/refunds", json=body)


def qris_client_for(config: StoreConfig) -> QrisClient | None:
    """None when this store is not connected to a central store: only the static QRIS can be taken then."""
    sync = config.sync
    if not sync.central_url or not sync.token:
        return None
    return QrisClient(sync.central_url, sync.token, config.qris.central_timeout_seconds)
