"""The HTTP client for the central store's sync API: a timeout on every call, typed failures, the shared session."""

from __future__ import annotations

from typing import Any

import orjson
import requests

from pos.adapters.central_http import CentralError, CentralHttp, Refused, Unreachable

__all__ = ["CentralClient", "CentralError", "Refused", "Unreachable"]

JSON_BODY = {"Content-Type": "application/json"}


class CentralClient(CentralHttp):
    def __init__(
        self, base_url: str, token: str, timeout: float, agent_id: str = "", session: requests.Session | None = None
    ) -> None:
        super().__init__(
            base_url, "/api/v1", token, timeout, session, headers={"X-Omnitoko-Agent": agent_id or "agent"}
        )

    def push(self, body: dict[str, Any]) -> dict[str, Any]:
        """A batch of events; written by orjson, each event's payload as stored (outbox.pending)."""
        return self._call("POST", "/sync/push", data=orjson.dumps(body), headers=JSON_BODY)

    def pull(self, cursor: int, limit: int) -> dict[str, Any]:
        return self._call("GET", "/sync/pull", params={"cursor": cursor, "limit": limit})

    def snapshot(self, limit: int, resume: dict[str, Any] | None = None) -> dict[str, Any]:
        """A page of the store's snapshot: the first without `resume`, the next with the page before it."""
        params: dict[str, Any] = {"limit": limit}
        if resume is not None:
            params.update(epoch=resume["epoch"], at=resume["at"], part=resume["next_part"], after=resume["next_after"])
        return self._call("GET", "/sync/snapshot", params=params)

    def recovery(self, after_seq: int) -> dict[str, Any]:
        """What central holds of this store after a backup's last event (`omnitoko store restore`)."""
        return self._call("GET", "/sync/recovery", params={"after_seq": after_seq})

    def close(self) -> None:
        """Nothing to close: the session is the process's, shared with the till's clients for this central."""
