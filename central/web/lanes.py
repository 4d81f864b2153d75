"""Pushes take turns; pulls never wait behind them.

The server (granian's thread pool, gunicorn's threaded worker) hands requests to its threads first come, first
served: with every thread busy applying a push, an idle pull (a millisecond of work) used to wait behind seconds of
pushes. So a worker runs many threads and lets at most `[server] push_slots` pushes in at once: a push takes a slot
before its body is even parsed and gives it back when its answer is made; beyond that it waits here (holding a
thread, but no CPU and no database connection) while the other threads answer pulls, health checks and pages at
once.
"""

from __future__ import annotations

import threading

from flask import Flask, g, request

PUSH_PATH = "/api/v1/sync/push"


def install(app: Flask, slots: int) -> None:
    lane = threading.BoundedSemaphore(slots)
    app.extensions["omnitoko_push_lane"] = lane

    @app.before_request
    def _take_slot() -> None:
        if request.path == PUSH_PATH and request.method == "POST":
            app.extensions["omnitoko_push_lane"].acquire()
            g.push_slot = app.extensions["omnitoko_push_lane"]

    @app.teardown_request
    def _give_back(_exc: BaseException | None) -> None:
        held = g.pop("push_slot", None)
        if held is not None:
            held.release()
