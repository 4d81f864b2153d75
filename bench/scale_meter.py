"""The central store as the serving benches run it (bench.central_scale, bench.idle_pull_serving): `central serve`
under its production server (BENCH_SERVER) on a free port (`served_central`), quiet stores that only pull
(`quiet_stores`), and what the benches read about the server while it runs: CPU of its processes and of its
PostgreSQL backends (Linux /proc), and the connections it holds (`Meter`)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests
from sqlalchemy import create_engine, text

from bench import ROOT
from central.config import CentralConfig
from central.db import central_database
from central.migrate import upgrade as central_upgrade
from central.services import demo, stores
from central.services.context import CentralContext

# The production server the serving benches run: granian (the default of `central serve`) or gunicorn.
SERVER = os.environ.get("BENCH_SERVER", CentralConfig().server.engine)


def demo_central(url: str, products: int) -> CentralContext:
    """The central store migrated on `url` with the demo chain and its first `products` products, for a bench."""
    central_upgrade(url)
    config = CentralConfig()
    config.database.url = url
    ctx = CentralContext(db=central_database(url), config=config)
    demo.load(ctx, products_limit=products)
    return ctx


def quiet_stores(ctx: CentralContext, count: int) -> list[tuple[str, str]]:
    """`count` stores (id, token) with no neighbours that only pull: every pull after their first is idle."""
    quiet = [(f"Q{i:04d}", stores.add_store(ctx, f"Q{i:04d}", f"Quiet {i}")) for i in range(1, count + 1)]
    for sid, _ in quiet:
        stores.set_neighbours(ctx, sid, None, [])
    return quiet


@contextmanager
def served_central(
    url: str, app_name: str, where: Path, args: list[str], env: dict[str, str] | None = None
) -> Iterator[tuple[str, int]]:
    """`omnitoko central serve --no-worker` (plus `args`) on the database `url`, its connections named `app_name`,
    its log and signing key under `where`: yields its base URL and process id once it answers, stops it after."""
    port = _free_port()
    environ = {
        **os.environ,
        "OMNITOKO_CENTRAL_DATABASE__URL": f"{url}&application_name={app_name}",
        "OMNITOKO_CENTRAL_SERVER__SECRET_KEY": uuid.uuid4().hex * 2,
        "OMNITOKO_CENTRAL_LOYALTY__SIGNING_KEY_FILE": str(where / "signing.key"),
        **(env or {}),
    }
    cmd = [sys.executable, "-m", "omnitoko.cli", "central", "serve", "--no-worker", "--server", SERVER, *args]
    cmd += ["--port", str(port), "--config", str(ROOT / "central.toml")]
    with (where / "central.log").open("wb") as log:
        server = subprocess.Popen(cmd, env=environ, stdout=log, stderr=subprocess.STDOUT)
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_healthy(base)
            yield base, server.pid
        finally:
            server.terminate()
            server.wait(timeout=30)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_healthy(base: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"central did not answer at {base}")


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
        """(the server's CPU seconds so far (its process and workers), its PostgreSQL backends' CPU seconds so far)."""
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
    """The processes whose parent is pid (the server's workers)."""
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
