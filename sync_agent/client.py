"""The HTTP client for the central store's sync API: a timeout on every call, typed failures."""
from __future__ import annotations

from typing import Any

import requests

from pos.adapters.central_http import CentralError, Refused, Unreachable, answer

__all__ = ["CentralClient", "CentralError", "Refused", "Unreachable"]


class CentralClient:
    def __init__(self, base_url: str, token: str, timeout: float, agent_id: str = "",
                 session: requests.Session | None = None) -> None:
        self.base = base_url.rstrip("/") + "/api/v1"
        self.timeout = (min(timeout, 5.0), timeout)  # (connect, read)
        self.http = session or requests.Session()
        self.http.headers.update({"Authorization": f"Bearer {token}", "X-Omnitoko-Agent": agent_id or "agent"})

    def push(self, body: dict[str, Any]) -> dict[str, Any]:
        return self._call("POST", "/sync/push", json=body)

    def pull(self, cursor: int, limit: int) -> dict[str, Any]:
        return self._call("GET", "/sync/pull", params={"cursor": cursor, "limit": limit})

    def close(self) -> None:
        self.http.close()

    def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        try:
            resp = self.http.request(method, self.base + path, timeout=self.timeout, **kwargs)
        except requests.Timeout as e:
            raise Unreachable(f"central did not answer within {self.timeout[1]:g} s") from e
        except requests.RequestException as e:
            raise Unreachable(f"cannot reach central: {type(e).__name__}") from e
        return answer(resp)
