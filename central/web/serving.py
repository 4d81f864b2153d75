"""Production serving of the central store: gunicorn, several worker processes, threads in each.

Each worker builds its own app after the fork (no database connection crosses a fork), with a connection pool
sized by [database] pool_size / max_overflow. Housekeeping is not in the web workers: `omnitoko central worker`
runs it (`central serve` starts one beside gunicorn unless --no-worker), and a lock across processes and hosts
(central/services/singleton.py) makes sure only one run happens at a time.
"""

from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication

from central.config import CentralConfig


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
            "keepalive": 5,
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

        return create_central_app(self.config)


def connections(config: CentralConfig, workers: int) -> int:
    """PostgreSQL connections this server may open at most (the web workers and the housekeeping worker)."""
    return workers * (config.database.pool_size + config.database.max_overflow) + 2
