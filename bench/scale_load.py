"""The load side of bench.central_scale: simulated sync agents in several client processes.

Open loop (`agent_step`): every store's sales arrive at times drawn in advance (Poisson at the offered per-store
rate, a fixed seed per store and step); its agent looks at its outbox every `push_every` s (the real agent polls
every 0.5 s and pushes what it finds, then pulls until current) and pulls every `pull_every` s besides (the agent's
interval). Every request is due at a time fixed before the step starts, and its latency is measured from that time,
not from when the agent got round to sending it: a push that waits behind a slow one counts its wait (no
coordinated omission). An agent is one thread, as a store's agent is one loop; a store that falls more than
`LATE_LIMIT` s behind stops and counts what it did not send as dropped.

Closed loop (`closed_step`): each store pushes 5-sale batches back to back (the saturation throughput).
Hammer (`pull_step`): quiet stores pull back to back (the server's CPU per idle pull).
"""

from __future__ import annotations

import hashlib
import random
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import requests

from bench.sync_drain import sale_payload
from common.contract.names import EventType
from common.contract.report import HEADER as REPORT_HEADER
from common.contract.wire import canonical_json

LATE_LIMIT = 20.0  # s behind its schedule at which a simulated agent gives up (counted as dropped)
PUSH_PATH, PULL_PATH = "/api/v1/sync/push", "/api/v1/sync/pull"


@dataclass
class Plan:
    """One step for one client process: its stores, their tokens and first store_seq, the offered load."""

    base: str
    stores: list[tuple[str, str, int]]  # (store id, token, last store_seq central has)
    quiet: list[tuple[str, str]]
    start_at: float  # wall clock (time.time()) at which every process starts its schedule
    seconds: float
    rate: float = 0.0  # sales per second per store
    push_every: float = 0.5
    pull_every: float = 5.0
    batch: int = 5
    seed: int = 0
    cursor: int = 0  # the feed head when the step was planned: an agent that has been running is at the head


@dataclass
class Out:
    push: list[float] = field(default_factory=list)  # from the intended send time
    push_service: list[float] = field(default_factory=list)  # from the actual send
    pull: list[float] = field(default_factory=list)
    idle: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    applied: int = 0
    dropped: int = 0
    pulls: int = 0
    pushes: int = 0
    cpu: float = 0.0  # this client process's own CPU seconds during the step
    late_start: float = 0.0  # seconds this process was ready after the common start (its schedule counts from it)
    span: tuple[float, float] = (0.0, 0.0)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def public(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "lock"}


def _event(store_id: str, seq: int) -> dict[str, Any]:
    payload = sale_payload(seq, store_id)
    return {
        "event_id": str(uuid.uuid4()),
        "store_id": store_id,
        "device_id": "T1",
        "store_seq": seq,
        "type": EventType.SALE_COMPLETED,
        "schema_version": 1,
        "payload": payload,
        "payload_hash": hashlib.sha256(canonical_json(payload).encode()).hexdigest(),
    }


def _schedule(plan: Plan, store_id: str, seq: int) -> list[tuple[float, str, list[dict[str, Any]]]]:
    """The store's requests, due times relative to the start, with their events built beforehand."""
    rng = random.Random(f"{plan.seed}:{store_id}")
    todo: list[tuple[float, str, list[dict[str, Any]]]] = []
    if plan.rate > 0:
        t, arrivals = 0.0, []
        while True:
            t += rng.expovariate(plan.rate)
            if t >= plan.seconds:
                break
            arrivals.append(t)
        phase, i = rng.uniform(0, plan.push_every), 0
        tick = phase
        while tick < plan.seconds + plan.push_every and i < len(arrivals):
            n = 0
            while i + n < len(arrivals) and arrivals[i + n] <= tick:
                n += 1
            if n:
                todo.append((tick, "push", [_event(store_id, seq + k + 1) for k in range(n)]))
                seq, i = seq + n, i + n
            tick += plan.push_every
    t = rng.uniform(0, plan.pull_every)
    while t < plan.seconds:
        todo.append((t, "pull", []))
        t += plan.pull_every
    todo.sort(key=lambda x: x[0])
    return todo


def _push(http: requests.Session, base: str, store_id: str, events: list[dict[str, Any]]) -> tuple[float, int]:
    """One batch pushed as a store's agent pushes it: (when the answer came, events applied); RuntimeError when
    central does not answer 200."""
    r = http.post(
        f"{base}{PUSH_PATH}",
        timeout=60,
        json={"store_id": store_id, "device_id": "T1", "batch_id": str(uuid.uuid4()), "events": events},
    )
    answered = time.monotonic()
    if r.status_code != 200:
        raise RuntimeError(f"push answered {r.status_code}")
    return answered, sum(1 for x in r.json()["results"] if x["outcome"] == "applied")


def _pull_once(http: requests.Session, base: str, cursor: int, out: Out) -> tuple[int, bool, bool]:
    """(new cursor, more pages, found changes); raises on a failed request."""
    p = http.get(f"{base}{PULL_PATH}", params={"cursor": cursor, "limit": 1000}, timeout=60)
    if p.status_code >= 500:
        raise RuntimeError(str(p.status_code))
    page = p.json()
    return int(page["cursor"]), bool(page["more"]), bool(page["changes"])


class _Agent:
    def __init__(self, plan: Plan, store_id: str, token: str, out: Out) -> None:
        self.plan, self.store_id, self.out = plan, store_id, out
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {token}"
        self.http.headers[REPORT_HEADER] = "version=bench;depth=0;round=0.1"  # as agents report (written every 30 s)
        self.cursor = plan.cursor

    def catch_up(self) -> None:
        """Pull to the head before the clock starts (from the head when planned: a page or two at most)."""
        more = True
        while more:
            self.cursor, more, _ = _pull_once(self.http, self.plan.base, self.cursor, self.out)

    def run(self, todo: list[tuple[float, str, list[dict[str, Any]]]], t0: float) -> None:
        for n, (due, kind, events) in enumerate(todo):
            wait = t0 + due - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            elif -wait > LATE_LIMIT:
                with self.out.lock:
                    self.out.dropped += len(todo) - n
                return
            try:
                self.push(t0 + due, events) if kind == "push" else self.pull(t0 + due)
            except (requests.RequestException, RuntimeError, ValueError) as e:
                with self.out.lock:
                    self.out.errors.append(f"{kind}: {type(e).__name__} {e}"[:120])
                if kind == "push":
                    return  # its seq is uncertain now: this store stops (the next step reads central's seq)

    def push(self, due: float, events: list[dict[str, Any]]) -> None:
        for k in range(0, len(events), 500):
            sent = time.monotonic()
            done, applied = _push(self.http, self.plan.base, self.store_id, events[k : k + 500])
            with self.out.lock:
                self.out.push.append(done - due)
                self.out.push_service.append(done - sent)
                self.out.applied += applied
                self.out.pushes += 1
        more = True
        while more:  # the agent's round goes on with a pull until current
            started = time.monotonic()
            self.cursor, more, _ = _pull_once(self.http, self.plan.base, self.cursor, self.out)
            with self.out.lock:
                self.out.pull.append(time.monotonic() - started)
                self.out.pulls += 1

    def pull(self, due: float) -> None:
        more, first = True, True
        while more:
            self.cursor, more, changes = _pull_once(self.http, self.plan.base, self.cursor, self.out)
            took = time.monotonic() - due
            with self.out.lock:
                self.out.pull.append(took)
                self.out.pulls += 1
                if first and not changes and not more:
                    self.out.idle.append(took)
            first, due = False, time.monotonic()


def _start(plan: Plan, out: Out) -> float:
    """Wait for the common start (a wall-clock instant all client processes share); its monotonic time. A process
    ready after it still counts its schedule from it (its first requests are late), and says by how much."""
    left = plan.start_at - time.time()
    if left > 0:
        time.sleep(left)
    out.late_start = max(0.0, -left)
    return time.monotonic() + min(left, 0.0)


def _finish(out: Out, threads: list[threading.Thread], cpu0: float, wall0: float) -> dict[str, Any]:
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out.cpu = time.process_time() - cpu0
    out.span = (wall0, time.time())
    return out.public()


def agent_step(plan: Plan) -> dict[str, Any]:
    """The open loop: one thread per store, busy or quiet, each following its schedule."""
    out = Out()
    agents = [(_Agent(plan, sid, tok, out), _schedule(plan, sid, seq)) for sid, tok, seq in plan.stores]
    agents += [
        (_Agent(plan, sid, tok, out), _schedule(Plan(**{**plan.__dict__, "rate": 0.0}), sid, 0))
        for sid, tok in plan.quiet
    ]
    for a, _ in agents:
        a.catch_up()
    t0 = _start(plan, out)
    threads = [threading.Thread(target=a.run, args=(todo, t0)) for a, todo in agents]
    return _finish(out, threads, time.process_time(), time.time())


def closed_step(plan: Plan) -> dict[str, Any]:
    """The closed loop: each store pushes a batch, waits for the answer, pushes the next, until the time is up."""
    out = Out()

    def loop(agent: _Agent, seq: int, deadline: float) -> None:
        while time.monotonic() < deadline:
            events = [_event(agent.store_id, seq + k + 1) for k in range(plan.batch)]
            seq += plan.batch
            try:
                started = time.monotonic()
                answered, applied = _push(agent.http, plan.base, agent.store_id, events)
                took = answered - started
            except (requests.RequestException, RuntimeError, ValueError) as e:
                with out.lock:
                    out.errors.append(f"push: {type(e).__name__}")
                return
            with out.lock:
                out.push.append(took)
                out.applied += applied
                out.pushes += 1

    t0 = _start(plan, out)
    threads = [
        threading.Thread(target=loop, args=(_Agent(plan, sid, tok, out), seq, t0 + plan.seconds))
        for sid, tok, seq in plan.stores
    ]
    return _finish(out, threads, time.process_time(), time.time())


def pull_step(plan: Plan) -> dict[str, Any]:
    """Quiet stores pulling back to back (each finds nothing new): the server's cost of an idle pull."""
    out = Out()
    agents = [_Agent(plan, sid, tok, out) for sid, tok in plan.quiet]
    for a in agents:
        a.catch_up()

    def loop(agent: _Agent, deadline: float) -> None:
        while time.monotonic() < deadline:
            try:
                agent.pull(time.monotonic())
            except (requests.RequestException, RuntimeError, ValueError) as e:
                with out.lock:
                    out.errors.append(f"pull: {type(e).__name__}")

    t0 = _start(plan, out)
    threads = [threading.Thread(target=loop, args=(a, t0 + plan.seconds)) for a in agents]
    return _finish(out, threads, time.process_time(), time.time())


def ready(_: int = 0) -> bool:
    """A client process is up with this module imported (the pool's initializer, and a call to wait for it):
    importing it takes seconds on a busy box, which must not eat into the first step's schedule."""
    return True
