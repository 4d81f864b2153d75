"""What every call to the central store gets back: its JSON, or a typed failure (the agent's and the till's).

One keep-alive `requests.Session` per central store URL serves every client in the process (the till's loyalty
and cart calls, the sync agent): a call reuses an open connection instead of a new TCP (and TLS) handshake.
"""

from __future__ import annotations

import threading
from typing import Any

import requests
from requests.adapters import HTTPAdapter


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


# Connecting to a reachable central takes milliseconds: a connect that takes longer than this is a dead line,
# whatever read timeout the call allows.
CONNECT_TIMEOUT = 5.0
_SESSIONS: dict[str, requests.Session] = {}
_SESSIONS_LOCK = threading.Lock()


def session_for(base_url: str) -> requests.Session:
    """The process's one session for the central store at `base_url` (thread-safe: urllib3 pools connections).

    No retries in the adapter: a caller decides (the agent backs off, the till refuses or goes offline), and a
    retried POST must carry the same ids, which only the caller knows.
    """
    key = base_url.rstrip("/")
    with _SESSIONS_LOCK:
        http = _SESSIONS.get(key)
        if http is None:
            http = requests.Session()
            adapter = HTTPAdapter(pool_connections=1, pool_maxsize=16, max_retries=0)
            http.mount("http://", adapter)
            http.mount("https://", adapter)
            _SESSIONS[key] = http
        return http


class CentralHttp:
    """A client of one of central's APIs: bearer token, (connect, read) timeouts, the shared session."""

    def __init__(
        self,
        base_url: str,
        api: str,
        token: str,
        timeout: float,
        session: requests.Session | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.base = base_url.rstrip("/") + api
        self.timeout = (min(timeout, CONNECT_TIMEOUT), timeout)
        self.http = session or session_for(base_url)
        # Per client, not on the shared session: the agent and the till name themselves differently.
        self.headers = {"Authorization": f"Bearer {token}", **(headers or {})}

    def _call(self, method: str, path: str, headers: dict[str, str] | None = None, **kwargs: Any) -> dict[str, Any]:
        sent = {**self.headers, **headers} if headers else self.headers
        try:
            resp = self.http.request(method, self.base + path, timeout=self.timeout, headers=sent, **kwargs)
        except requests.Timeout as e:
            raise Unreachable(f"central did not answer within {self.timeout[1]:g} s") from e
        except requests.RequestException as e:
            raise Unreachable(f"cannot reach central: {type(e).__name__}") from e
        return answer(resp)


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
