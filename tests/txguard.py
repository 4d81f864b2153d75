"""No network inside a transaction: a test fails when an HTTP request leaves while its thread holds one open.

Engine events keep, per thread, the connections whose transaction has begun and not yet ended (on the store's
SQLite every transaction is BEGIN IMMEDIATE, so each holds the write lock); the adapter every `requests` call
goes through refuses to send while that set is not empty. The refusal is raised where the call is made and
also kept, so code that swallows the error still fails the test at teardown.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from requests.adapters import HTTPAdapter
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine


class NetworkInTransaction(AssertionError):
    """An HTTP request was sent while this thread had a database transaction open."""


class TxGuard:
    def __init__(self) -> None:
        self._open = threading.local()
        self.violations: list[str] = []

    def _here(self) -> dict[int, str]:
        if not hasattr(self._open, "conns"):
            self._open.conns = {}
        return self._open.conns  # type: ignore[no-any-return]

    def begin(self, conn: Connection) -> None:
        self._here()[id(conn)] = conn.engine.url.render_as_string(hide_password=True)

    def end(self, conn: Connection) -> None:
        self._here().pop(id(conn), None)

    def open_here(self) -> list[str]:
        return sorted(set(self._here().values()))

    def check(self, method: str | None, url: str | None) -> None:
        if held := self.open_here():
            message = f"{method} {url} was sent while a transaction was open on {', '.join(held)}"
            self.violations.append(message)
            raise NetworkInTransaction(message)


@contextmanager
def guarded(monkeypatch: pytest.MonkeyPatch) -> Iterator[TxGuard]:
    guard = TxGuard()
    hooks = (("begin", guard.begin), ("commit", guard.end), ("rollback", guard.end))
    for name, fn in hooks:
        event.listen(Engine, name, fn)
    real_send = HTTPAdapter.send

    def send(adapter: HTTPAdapter, request: Any, *args: Any, **kwargs: Any) -> Any:
        guard.check(request.method, request.url)
        return real_send(adapter, request, *args, **kwargs)

    monkeypatch.setattr(HTTPAdapter, "send", send)
    try:
        yield guard
    finally:
        for name, fn in hooks:
            event.remove(Engine, name, fn)
