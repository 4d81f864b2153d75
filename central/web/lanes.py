"""Pushes take turns; pulls never wait behind them.

gunicorn's threaded worker hands requests to its threads first come, first served: with every thread busy applying
a push, an idle pull (a millisecond of work) used to wait behind seconds of pushes. So a worker runs many threads
and lets at most `[server] push_slots` pushes apply at once; a push beyond that waits here (holding a thread, but
no CPU and no database connection) while the other threads answer pulls, health checks and pages at once.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, current_app

KEY = "omnitoko_push_lane"


def install(app: Flask, slots: int) -> None:
    app.extensions[KEY] = threading.BoundedSemaphore(slots)


@contextmanager
def push_slot() -> Iterator[None]:
    """One of the worker's push slots for the block (waits for one to be free)."""
    lane: threading.BoundedSemaphore = current_app.extensions[KEY]
    with lane:
        yield
