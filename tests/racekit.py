"""Races in tests: several calls started at the same instant, and what each returned or raised (a plain module: test
files import from it).

    results = at_once(lambda: claim("T1"), lambda: claim("T2"), expected=(DomainError,))
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar, overload

T = TypeVar("T")
E = TypeVar("E", bound=BaseException)


@overload
def at_once(*calls: Callable[[], T], timeout: float = 120) -> list[T]: ...


@overload
def at_once(*calls: Callable[[], T], expected: tuple[type[E], ...], timeout: float = 120) -> list[T | E]: ...


def at_once(
    *calls: Callable[[], Any], expected: tuple[type[BaseException], ...] = (), timeout: float = 120
) -> list[Any]:
    """Run the calls at the same instant (threads released together by a barrier); their results in order. An
    exception of an `expected` type is returned in the call's place; any other is raised here (the test fails with
    it), as is a call still running `timeout` seconds after the start (a hang must not pass silently)."""
    start = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)
    raised: list[BaseException | None] = [None] * len(calls)

    def run(i: int) -> None:
        try:
            start.wait(timeout)
            results[i] = calls[i]()
        except BaseException as e:
            raised[i] = e

    threads = [threading.Thread(target=run, args=(i,), name=f"at_once-{i}", daemon=True) for i in range(len(calls))]
    deadline = time.monotonic() + timeout
    for t in threads:
        t.start()
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()))
    running = [i for i, t in enumerate(threads) if t.is_alive()]
    if running:
        raise TimeoutError(f"calls {running} of {len(calls)} still running {timeout:g} s after they started")
    unexpected = [e for e in raised if e is not None and not isinstance(e, expected)]
    if unexpected:
        for other in unexpected[1:]:
            unexpected[0].add_note(f"another call raised too: {other!r}")
        raise unexpected[0]
    return [results[i] if e is None else e for i, e in enumerate(raised)]
