"""Production serving of the central store: gunicorn, several worker processes, threads in each.

Each worker builds its own app after the fork (no database connection crosses a fork), with a connection pool
sized by [database] pool_size / max_overflow. Housekeeping is not in the web workers: `omnitoko central worker`
runs it (`central serve` starts one beside gunicorn unless --no-worker), and a lock across processes and hosts
(central/services/singleton.py) makes sure only one run happens at a time.
"""

from __future__ import annotations

import sys
from typing import Any

from gunicorn.app.base import BaseApplication

from central.config import CentralConfig

KEEPALIVE_SECONDS = 75  # longer than any agent's interval between calls
SWITCH_INTERVAL = 0.0005  # seconds; Python's default is 0.005


class CentralServer(BaseApplication):
    def __init__(
        self, config: CentralConfig, host: str, port: int, workers: int, threads: int, access_log: bool = False
    ) -> None:
        self.config = config
        self.options: dict[str, Any] = {
            "bind": f"{host}:{port}",
            "workers": workers,
            "worker_class": "gthread",
            "threads": threads,
            "timeout": 60,
            "graceful_timeout": 20,
            # Agents pull every [sync] interval_seconds (5 s) on one kept-alive connection: a server that closed idle
            # connections after 5 s raced the agent's next request, which then failed with a reset connection.
            "keepalive": KEEPALIVE_SECONDS,
            "accesslog": "-" if access_log else None,  # a line per request only when asked (--access-log)
            "errorlog": "-",
            "loglevel": "warning",
            "proc_name": "omnitoko-central",
            "preload_app": False,
        }
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from central.web.app import create_central_app

        # In the worker (after the fork). A thread that wants the GIL waits up to the switch interval for the one
        # holding it: at Python's 5 ms a pull (a millisecond of work in ten or so steps, each taking the GIL
        # again after its socket or database wait) waited behind the pushes' stretches of Python for tens of ms.
        sys.setswitchinterval(SWITCH_INTERVAL)
        return create_central_app(self.config)


def run_server(
    engine: str, config: CentralConfig, host: str, port: int, workers: int, threads: int, access_log: bool = False
) -> None:
    """Serve until SIGTERM or Ctrl-C under `engine` (granian or gunicorn)."""
    if engine == "granian":
        from central.web import granian_serving

        granian_serving.run(config, host, port, workers, threads, access_log=access_log)
    else:
        CentralServer(config, host, port, workers, threads, access_log=access_log).run()


def connections(config: CentralConfig, workers: int) -> int:
    """PostgreSQL connections this server may open at most (the web workers and the housekeeping worker)."""
    return workers * (config.database.pool_size + config.database.max_overflow) + 2
