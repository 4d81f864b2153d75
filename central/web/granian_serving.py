"""Production serving of the central store under granian: HTTP in native code (Rust), the Flask app on threads.

granian's main process binds the socket and forks `workers` processes; each builds its own app after the fork (no
database connection crosses a fork) and runs it on up to `threads` Python threads, while the HTTP parsing, keep-alive
and the hand-off between connections and threads stay in Rust without the GIL. Everything the app promises (the
push lane, body limits, /metrics across workers) lives in the app, not in the server; see docs/scaling.md.
"""

from __future__ import annotations

import logging
import os
import sys
from functools import partial
from typing import Any

from central.config import CentralConfig

# hyper closes a kept-alive connection that sends no request within this long; 60 s is granian's upper bound and
# well above the agents' 5-s interval between calls (a shorter one raced their next request: "connection reset").
KEEPALIVE_SECONDS = 60
SWITCH_INTERVAL = 0.0005  # seconds; Python's default is 0.005
STOP_SECONDS = 20  # a worker still busy this long after SIGTERM (or a SIGHUP restart) is killed


def _worker_app(config: CentralConfig) -> Any:
    """In each worker, after the fork: the app with its own connection pool."""
    from central.web.app import create_central_app

    # A thread that wants the GIL waits up to the switch interval for the one holding it: at Python's 5 ms a pull
    # waited behind the pushes' stretches of Python for tens of ms.
    sys.setswitchinterval(SWITCH_INTERVAL)
    _no_headers_from_the_environment()
    return create_central_app(config)


def _no_headers_from_the_environment() -> None:
    """granian starts each request's WSGI environ from a copy of os.environ (taken after this), so a variable named
    like a request header (HTTP_PROXY, say) would reach the app as a header the client never sent. Such variables
    are kept under their lower-case names (where proxies are read from too) and dropped from the upper-case ones."""
    for name in [n for n in os.environ if n.startswith("HTTP_")]:
        os.environ.setdefault(name.lower(), os.environ[name])
        del os.environ[name]


def options(host: str, port: int, workers: int, threads: int, access_log: bool = False) -> dict[str, Any]:
    """granian's server settings for the central store."""
    from granian.constants import HTTPModes, Interfaces
    from granian.http import HTTP1Settings
    from granian.log import LogLevels

    return {
        "address": host,
        "port": port,
        "interface": Interfaces.WSGI,
        "http": HTTPModes.http1,
        "websockets": False,
        "workers": workers,
        "blocking_threads": threads,
        "http1_settings": HTTP1Settings(header_read_timeout=KEEPALIVE_SECONDS * 1000, keep_alive=True),
        "log_level": LogLevels.warning,
        "log_access": access_log,
        "respawn_failed_workers": True,
        "workers_kill_timeout": STOP_SECONDS,
    }


class _ThreadsAsMeant(logging.Filter):
    """granian warns at every start when a worker may run more Python threads than twice the cores plus one. The
    central store's are meant so (`[server] threads`: about the stores calling at once, so that a pull never waits
    behind pushes; docs/scaling.md): that one warning would only alarm whoever starts it."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "Python threads" not in record.getMessage()


def run(config: CentralConfig, host: str, port: int, workers: int, threads: int, access_log: bool = False) -> None:
    from granian.log import logger
    from granian.server import Server

    server = Server("central.web.app:create_central_app", **options(host, port, workers, threads, access_log))
    logger.addFilter(_ThreadsAsMeant())  # after the server's own logging setup, which its constructor does
    server.serve(target_loader=partial(_worker_app, config), wrap_loader=False)
