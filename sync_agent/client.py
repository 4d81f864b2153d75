"""The HTTP client for the central store's sync API: a timeout on every call, typed failures."""
from __future__ import annotations

from typing import Any

import requests


class CentralError(Exception):
    """The round could not finish; the agent backs off and tries again."""


class Unreachable(CentralError):
    """No answer, a timeout, a 5xx or a body that is not JSON: try again later with the same ids."""


class Refused(CentralError):
    """A 4xx: central read the request and said no (wrong token, batch too large, ...)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"central refused ({status} {code}): {message}")
        self.status, self.code, self.message = status, code, message


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
        try:
            data = resp.json()
        except ValueError:
            data = None
        if resp.status_code >= 500 or not isinstance(data, dict):
            raise Unreachable(f"central answered {resp.status_code}")
        if resp.status_code >= 400:
            err = data.get("error") or {}
            raise Refused(resp.status_code, str(err.get("code", "refused")), str(err.get("message", "")))
        return data
