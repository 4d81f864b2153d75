"""What bench.central_scale reads about the server while it runs: CPU of its processes and of its PostgreSQL
backends (Linux /proc), and the connections it holds."""

from __future__ import annotations

import os
import threading
import time

from sqlalchemy import create_engine, text


class Meter:
    """Samples the CPU of the server's processes and of its PostgreSQL backends, and the connections it holds."""

    def __init__(self, url: str, server_pid: int, app_name: str) -> None:
        self.url, self.server_pid, self.app_name = url, server_pid, app_name
        self.backends: dict[int, float] = {}
        self.seen: list[int] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()

    def _watch(self) -> None:
        # Autocommit: inside one transaction pg_stat_activity is a snapshot taken once and never changes.
        engine = create_engine(self.url, isolation_level="AUTOCOMMIT")
        with engine.connect() as c:
            while not self.stop.wait(0.25):
                pids = (
                    c.execute(
                        text(
                            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND "
                            "backend_type = 'client backend' AND application_name = :app"
                        ),
                        {"app": self.app_name},
                    )
                    .scalars()
                    .all()
                )
                self.seen.append(len(pids))
                for pid in pids:
                    self.backends[pid] = max(self.backends.get(pid, 0.0), cpu_seconds(pid))
        engine.dispose()

    def read(self) -> tuple[float, float]:
        """(gunicorn's CPU seconds so far, its PostgreSQL backends' CPU seconds so far)."""
        time.sleep(0.3)  # one more sample of the backends
        web = cpu_seconds(self.server_pid) + sum(cpu_seconds(p) for p in children(self.server_pid))
        return web, sum(self.backends.values())


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process so far (Linux /proc), 0 when it is gone or not readable."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def children(pid: int) -> list[int]:
    """The processes whose parent is pid (gunicorn's workers)."""
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(name))
            except (OSError, IndexError, ValueError):
                continue
    return found
