"""The store server's on-demand question to the central store: who else has this SKU (beyond the neighbours)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from pos.adapters.central_http import CentralHttp, Refused, Unreachable
from pos.adapters.config import StoreConfig

__all__ = ["Refused", "StockClient", "Unreachable", "client_for"]


class StockClient(CentralHttp):
    def elsewhere(self, sku: str) -> dict[str, Any]:
        return self._call("GET", f"/stock/{quote(sku, safe='')}")


def client_for(config: StoreConfig) -> StockClient | None:
    """None when this store is not connected to a central store; a shopper waits, so the till's short timeout."""
    sync = config.sync
    if not sync.central_url or not sync.token:
        return None
    return StockClient(sync.central_url, "/api/v1", sync.token, config.loyalty.central_timeout_seconds)
