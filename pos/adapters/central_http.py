"""What every call to the central store gets back: its JSON, or a typed failure (the agent's and the till's)."""
from __future__ import annotations

from typing import Any

import requests


class CentralError(Exception):
    """The call could not get central's yes; callers back off, retry or refuse."""


class Unreachable(CentralError):
    """No answer in time, no connection, a 5xx or garbage: central cannot say yes or no now."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after  # seconds central asked us to wait (a 503 with Retry-After)


class Refused(CentralError):
    """Central answered with a 4xx: it read the request and said no."""

    def __init__(self, status: int, code: str, message: str, detail: dict[str, Any] | None = None) -> None:
        super().__init__(f"central refused ({status} {code}): {message}")
        self.status, self.code, self.message, self.detail = status, code, message, detail or {}


def answer(resp: requests.Response) -> dict[str, Any]:
    """Central's JSON body; a 5xx or a body that is not a JSON object is Unreachable, a 4xx is Refused."""
    try:
        data = resp.json()
    except ValueError:
        data = None
    if resp.status_code >= 500 or not isinstance(data, dict):
        raise Unreachable(f"central answered {resp.status_code}", _retry_after(resp))
    if resp.status_code >= 400:
        err = dict(data.get("error") or {})
        code, message = str(err.pop("code", "refused")), str(err.pop("message", ""))
        raise Refused(resp.status_code, code, message, err)
    return data


def _retry_after(resp: requests.Response) -> float | None:
    """Retry-After in seconds (central sends seconds, never a date); anything else is ignored."""
    try:
        return max(0.0, min(float(resp.headers.get("Retry-After", "")), 600.0))
    except ValueError:
        return None
