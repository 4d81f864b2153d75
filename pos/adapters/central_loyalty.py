"""The store server's calls to the central store's loyalty API: short timeouts, typed failures.

The till waits on these calls while a shopper stands there, so each one gives up after
`loyalty.central_timeout_seconds` (2 s by default) and the caller decides what an unreachable central means.
"""

from __future__ import annotations

from typing import Any

import requests

from pos.adapters.central_http import CentralHttp, Refused, Unreachable
from pos.adapters.config import StoreConfig

__all__ = ["LoyaltyClient", "Refused", "Unreachable", "client_for"]


class LoyaltyClient(CentralHttp):
    def __init__(self, base_url: str, token: str, timeout: float, session: requests.Session | None = None) -> None:
        super().__init__(base_url, "/api/v1/loyalty", token, timeout, session)

    def lookup(self, **keys: str | None) -> dict[str, Any]:
        return self._call("POST", "/members/lookup", json={k: v for k, v in keys.items() if v})

    def sign_up(self, name: str, phone: str, email: str | None = None) -> dict[str, Any]:
        return self._call(
            "POST", "/members", json={"name": name, "phone": phone, **({"email": email} if email else {})}
        )

    def settings(self) -> dict[str, Any]:
        return self._call("GET", "/settings")

    def hold(
        self,
        hold_id: str,
        member_id: str,
        points: int,
        sale_id: str | None,
        card: str | None = None,
        code: str | None = None,
    ) -> dict[str, Any]:
        """Central holds points only with the member's proof: their signed QR (card) or one-time code."""
        body = {"hold_id": hold_id, "member_id": member_id, "points": points, "sale_id": sale_id}
        proof = {"card": card} if card else {"code": code} if code else {}
        return self._call("POST", "/holds", json={**body, **proof})

    def capture(self, hold_id: str, sale_id: str) -> dict[str, Any]:
        return self._call("POST", f"/holds/{hold_id}/capture", json={"sale_id": sale_id})

    def release(self, hold_id: str) -> dict[str, Any]:
        return self._call("POST", f"/holds/{hold_id}/release")


def client_for(config: StoreConfig) -> LoyaltyClient | None:
    """None when this store is not connected to a central store (no [sync] central_url or token)."""
    sync = config.sync
    if not sync.central_url or not sync.token:
        return None
    return LoyaltyClient(sync.central_url, sync.token, config.loyalty.central_timeout_seconds)
