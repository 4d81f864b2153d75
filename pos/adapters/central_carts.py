"""The store server's calls to the central store's online-cart API (claim, release, check out).

It shares the loyalty client's HTTP session and its two failure types: `Unreachable` (no answer in time, a 5xx)
and `Refused` (central read the request and said no). A shopper waits on these calls, so each one gives up
after `online_carts.central_timeout_seconds` (2 s by default).
"""

from __future__ import annotations

from typing import Any

import requests

from pos.adapters.central_http import CentralHttp, Refused, Unreachable
from pos.adapters.config import StoreConfig

__all__ = ["CartsClient", "Refused", "Unreachable", "carts_client_for"]


class CartsClient(CentralHttp):
    def __init__(self, base_url: str, token: str, timeout: float, session: requests.Session | None = None) -> None:
        super().__init__(base_url, "/api/v1/carts", token, timeout, session)

    def claim(self, code: str, device_id: str, fence: int | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"code": code, "device_id": device_id}
        if fence is not None:
            body["fence"] = fence
        return self._call("POST", "/claim", json=body)

    def release(self, cart_id: str, device_id: str, fence: int) -> dict[str, Any]:
        return self._call("POST", f"/{cart_id}/release", json={"device_id": device_id, "fence": fence})

    def checkout(self, cart_id: str, body: dict[str, Any]) -> dict[str, Any]:
        return self._call("POST", f"/{cart_id}/checkout", json=body)


def carts_client_for(config: StoreConfig) -> CartsClient | None:
    """None when this store is not connected to a central store (no [sync] central_url or token)."""
    sync = config.sync
    if not sync.central_url or not sync.token:
        return None
    return CartsClient(sync.central_url, sync.token, config.online_carts.central_timeout_seconds)
