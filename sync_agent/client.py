"""The HTTP client for the central store's sync API: a timeout on every call, typed failures, the shared session."""

from __future__ import annotations

from typing import Any

import requests

from pos.adapters.central_http import CentralError, CentralHttp, Refused, Unreachable

__all__ = ["CentralClient", "CentralError", "Refused", "Unreachable"]


class CentralClient(CentralHttp):
    def __init__(
        self, base_url: str, token: str, timeout: float, agent_id: str = "", session: requests.Session | None = None
    ) -> None:
        super().__init__(
            base_url, "/api/v1", token, timeout, session, headers={"X-Omnitoko-Agent": agent_id or "agent"}
        )

    def push(self, body: dict[str, Any]) -> dict[str, Any]:
        return self._call("POST", "/sync/push", json=body)

    def pull(self, cursor: int, limit: int) -> dict[str, Any]:
        return self._call("GET", "/sync/pull", params={"cursor": cursor, "limit": limit})

    def recovery(self, after_seq: int) -> dict[str, Any]:
        """What central holds of this store after a backup's last event (`omnitoko store restore`)."""
        return self._call("GET", "/sync/recovery", params={"after_seq": after_seq})

    def close(self) -> None:
        """Nothing to close: the session is the process's, shared with the till's clients for this central."""
