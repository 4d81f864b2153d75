"""The simulated network between the stores and the central store: in-process, seeded, and unreliable.

Every `requests` call to SIM_CENTRAL (the agent's pushes and pulls, the till's loyalty holds, the kiosk's and
till's cart claims and checkouts) goes through `SimNetwork.send`, which calls the central WSGI app directly (no
socket, no thread: the same seed gives the same history) after rolling the dice for that store's link:

- the store is offline: the connection fails;
- dropped: the request never reaches central (connection reset);
- central answers 500 without doing anything;
- timed out: central does the work but the answer never arrives (the client raises `requests.Timeout`, as
  it does after its real 2 s or 5 s timeout);
- delivered twice: central gets the request twice, the client sees the second answer;
- reordered (pushes only): a copy of an earlier push of this store arrives just before this one;
- the agent killed (agent calls only): central does the work, and the agent process dies before it reads
  the answer (`AgentKilled` goes up through the agent's code; the simulation starts a new agent).
"""

from __future__ import annotations

import random
from collections import Counter as Tally
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock
from urllib.parse import urlsplit

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

SIM_CENTRAL = "http://central.sim"  # the stores' [sync] central_url in a simulation
FAULTS = ("dropped", "central 500", "timed out", "delivered twice", "reordered", "agent killed")


class AgentKilled(BaseException):
    """The agent's process died mid-round (a BaseException, so no `except Exception` in the agent stops it)."""


class StoreLink:
    """One store's line to central: offline or not, and how often each fault strikes."""

    def __init__(self, store_id: str, rate: float) -> None:
        self.store_id, self.rate, self.offline = store_id, rate, False
        self.sent: list[bytes] = []  # recent push bodies: late copies of them arrive out of order


class SimNetwork(BaseAdapter):
    """A requests transport adapter that delivers to the central app in-process, with the seed's faults."""

    def __init__(self, app: Any, rng: random.Random, faults: Tally) -> None:
        super().__init__()
        self.client = app.test_client()
        self.rng, self.faults = rng, faults
        self.links: dict[str, StoreLink] = {}  # bearer token -> the store's link
        self.calls: Tally = Tally()

    def connect(self, token: str, store_id: str, rate: float) -> StoreLink:
        self.links[token] = StoreLink(store_id, rate)
        return self.links[token]

    def calm(self) -> None:
        """Every line back up and no more faults (the end of a history: everything must now get through)."""
        for link in self.links.values():
            link.offline, link.rate = False, 0.0

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: Any = True,
        cert: Any = None,
        proxies: Any = None,
    ) -> requests.Response:
        parts = urlsplit(request.url or "")
        body = request.body.encode() if isinstance(request.body, str) else (request.body or b"")
        token = (request.headers.get("Authorization") or "").removeprefix("Bearer ")
        link = self.links.get(token)
        kind = parts.path.rsplit("/", 1)[-1] or "?"
        self.calls[kind] += 1

        def deliver(data: bytes = body) -> requests.Response:
            answer = self.client.open(
                parts.path,
                method=request.method or "GET",
                query_string=parts.query,
                headers=dict(request.headers),
                data=data,
            )
            return _response(request, answer.status_code, answer.get_data())

        if link is None:
            return deliver()
        if link.offline:
            self.faults["offline"] += 1
            raise requests.ConnectionError("the store's line is down")
        roll = self.rng.random() / max(link.rate, 1e-9)  # < 1 means fault number int(roll)
        fault = FAULTS[int(roll)] if roll < len(FAULTS) else None
        if fault == "reordered" and not (kind == "push" and link.sent):
            fault = None
        if fault == "agent killed" and "X-Omnitoko-Agent" not in request.headers:
            fault = None
        if fault:
            self.faults[fault] += 1
        if kind == "push":
            link.sent = (link.sent + [body])[-20:]
        if fault == "dropped":
            raise requests.ConnectionError("connection reset before central read the request")
        if fault == "central 500":
            return _response(request, 500, b"<h1>Internal Server Error</h1>")
        if fault == "reordered":
            deliver(self.rng.choice(link.sent[:-1] or link.sent))
        reply = deliver()
        if fault == "delivered twice":
            reply = deliver()
        if fault == "timed out":
            raise requests.Timeout("central did not answer in time")
        if fault == "agent killed":
            raise AgentKilled(f"{link.store_id}'s agent killed after central handled {kind}")
        return reply

    def close(self) -> None:
        return None


def _response(request: requests.PreparedRequest, status: int, content: bytes) -> requests.Response:
    r = requests.Response()
    r.status_code, r._content, r.url, r.request = status, content, request.url or "", request  # type: ignore[assignment]
    r.headers = CaseInsensitiveDict({"Content-Type": "application/json"})
    r.encoding, r.reason = "utf-8", "OK" if status < 400 else "Error"
    return r


@contextmanager
def routed(net: SimNetwork) -> Iterator[None]:
    """While inside, every requests.Session sends calls to SIM_CENTRAL through `net` (nothing else changes)."""
    original = requests.Session.get_adapter

    def get_adapter(self: requests.Session, url: str) -> BaseAdapter:
        return net if url.startswith(SIM_CENTRAL) else original(self, url)

    with mock.patch.object(requests.Session, "get_adapter", get_adapter):
        yield
