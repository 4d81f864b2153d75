"""Production serving of the store server: gunicorn, ONE worker process, [server] threads threads in it.

One process because Socket.IO rooms (tills, customer displays), the print worker, the sync badge and the
backup loop live in it, and SQLite has one writer; Flask-SocketIO's documented setup for its threading mode with
simple-websocket is gunicorn's threaded worker with `-w 1`. Every open Socket.IO connection holds one thread for
as long as it is open (a till page has up to 3, a display 1), so threads are sized from [server] threads: see
`threads_needed`. The app and its background threads are made in the worker after the fork (nothing crosses a
fork) and once, since there is one worker; on SIGTERM the worker closes the Socket.IO connections (so it need not
wait out the grace period) and stops the background threads before it exits.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from typing import Any

from gunicorn.app.base import BaseApplication
from gunicorn.workers.gthread import ThreadWorker

from pos.adapters.config import StoreConfig

SOCKETS_PER_TILL = 4  # the till page's Socket.IO connections (sale, kiosk carts, member) and its customer display
SPARE_THREADS = 16  # short requests beside them: scans, kiosks, the manager's pages

Starter = Callable[[Any], Callable[[], None]]  # starts the app's background threads; returns what stops them


def threads_needed(config: StoreConfig) -> int:
    """Threads for every till's long-lived connections, and a few for short requests on top."""
    return SOCKETS_PER_TILL * len(config.store.tills) + SPARE_THREADS


class StoreWorker(ThreadWorker):
    """gunicorn's threaded worker that, on SIGTERM, also closes the Socket.IO connections: each holds a thread
    that would otherwise keep the worker up for the whole grace period."""

    def handle_exit(self, sig: int, frame: Any) -> None:
        super().handle_exit(sig, frame)
        app = getattr(self, "wsgi", None)
        socketio = app.extensions.get("socketio") if app is not None else None
        if socketio is not None:  # not in the signal handler itself: closing sends a frame to each client
            threading.Thread(target=socketio.server.eio.disconnect, name="close-sockets", daemon=True).start()


def _worker_exit(_server: Any, worker: Any) -> None:
    app = getattr(worker, "wsgi", None)
    if app is None:
        return
    stop = app.extensions.get("omnitoko_background")
    if stop is not None:
        stop()
    ctx = app.extensions.get("omnitoko")
    if ctx is not None:  # closed here, not left to the garbage collector at exit: SQLite folds its WAL in on close
        ctx.db.dispose()


class StoreServer(BaseApplication):
    def __init__(
        self,
        config: StoreConfig,
        host: str,
        port: int,
        threads: int,
        start_background: Starter,
        access_log: bool = False,
    ) -> None:
        self.config = config
        self.start_background = start_background
        self.options: dict[str, Any] = {
            "bind": f"{host}:{port}",
            "workers": 1,
            "worker_class": StoreWorker,
            "threads": threads,
            "timeout": 60,
            "graceful_timeout": 20,  # below the systemd unit's TimeoutStopSec (40)
            "keepalive": 5,
            "accesslog": "-" if access_log else None,  # a line per request only when asked (--access-log)
            "errorlog": "-",
            "loglevel": "warning",
            "proc_name": "omnitoko-store",
            "preload_app": False,
            "worker_exit": _worker_exit,
        }
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from pos.web.app import create_app

        app = create_app(self.config)
        app.extensions["omnitoko_background"] = self.start_background(app)
        gc.freeze()  # the app lives as long as the worker: out of every collection, as the code loaded before it
        return app
