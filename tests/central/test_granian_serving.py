"""`central serve` under granian (the production default): what the serving promises under it. Connections kept
alive past the agents' interval, body limits on declared and streamed bodies, pushes and pulls at once on several
workers, a graceful restart on SIGHUP, a killed worker replaced (PostgreSQL: a server's workers share it)."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from servekit import free_port, served, wait_for
from synckit import central, pg_url, push_body, push_in_turn  # noqa: F401

from bench.scale_meter import children
from central.tables import Sale

ROOT = Path(__file__).resolve().parents[2]
ON_POSTGRESQL = pytest.mark.parametrize("central", ["postgresql"], indirect=True)


@contextmanager
def granian(central, tmp_path: Path, *args: str, **env: str) -> Iterator[tuple[str, int]]:
    """`central serve --server granian` on the test's database: its base URL and process id."""
    port = free_port()
    cmd = [sys.executable, "-m", "omnitoko.cli", "central", "serve", "--server", "granian", "--no-worker"]
    cmd += ["--port", str(port), "--config", str(ROOT / "central.toml"), *args]
    environ = {
        "OMNITOKO_CENTRAL_DATABASE__URL": central.ctx.config.database.url,
        "OMNITOKO_CENTRAL_SERVER__SECRET_KEY": "a-test-secret-of-enough-length-0123456789",
        "OMNITOKO_CENTRAL_LOYALTY__SIGNING_KEY_FILE": str(tmp_path / "signing.key"),
        **env,
    }
    base, old = f"http://127.0.0.1:{port}", os.environ.copy()
    os.environ.update(environ)
    try:
        with served(cmd, ROOT, tmp_path / "central.log", f"{base}/api/v1/health", "central serve") as proc:
            yield base, proc.pid
    finally:
        os.environ.clear()
        os.environ.update(old)
    log = (tmp_path / "central.log").read_text(errors="replace")
    assert "Traceback" not in log, log


def _workers(pid: int) -> set[int]:
    return set(children(pid))


def _listening(port: int) -> int:
    """How many sockets listen on the port: each granian worker listens on its own (SO_REUSEPORT) once its app is
    built, so a worker the process list shows may not be taking connections yet."""
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as f:
            rows = [line.split() for line in f.readlines()[1:]]
        count += sum(1 for row in rows if int(row[1].rsplit(":", 1)[1], 16) == port and row[3] == "0A")
    return count


@ON_POSTGRESQL
def test_an_agents_kept_alive_connection_outlives_its_wait_between_pulls(central, tmp_path):
    with granian(central, tmp_path, "--workers", "1", "--threads", "2") as (base, _pid):
        conn = http.client.HTTPConnection("127.0.0.1", int(base.rsplit(":", 1)[1]), timeout=10)
        auth = {"Authorization": f"Bearer {central.token}"}
        conn.request("GET", "/api/v1/sync/pull?cursor=0&limit=10", headers=auth)
        first = conn.getresponse()
        first.read()
        assert first.status == 200
        sock = conn.sock
        time.sleep(6)  # longer than the agents' 5-s interval
        conn.request("GET", "/api/v1/sync/pull?cursor=0&limit=10", headers=auth)  # the same socket, not a new one
        again = conn.getresponse()
        again.read()
        assert again.status == 200 and conn.sock is sock
        conn.close()


@ON_POSTGRESQL
def test_bodies_over_the_limit_are_refused_whether_declared_or_streamed(central, tmp_path):
    with granian(central, tmp_path, "--workers", "1", "--threads", "4") as (base, _pid):
        auth = {"Authorization": f"Bearer {central.token}", "Content-Type": "application/json"}
        over = 9 * 2**20  # the push takes up to [sync] max_body_mb (8 MB)
        declared = requests.post(f"{base}/api/v1/sync/push", data=b"x" * over, headers=auth, timeout=30)
        assert declared.status_code == 413 and "larger than 8 MB" in declared.json()["error"]["message"]

        def chunks(total: int) -> Iterator[bytes]:
            for _ in range(total // 65536):
                yield b" " * 65536

        streamed = requests.post(f"{base}/api/v1/sync/push", data=chunks(over), headers=auth, timeout=30)
        assert streamed.status_code == 413 and "larger than 8 MB" in streamed.json()["error"]["message"]
        body = json.dumps(push_body([1])).encode()
        within = requests.post(
            f"{base}/api/v1/sync/push", data=iter([body[:100], body[100:]]), headers=auth, timeout=30
        )
        assert within.status_code == 200 and within.json()["results"][0]["outcome"] == "applied", within.text
        other = requests.post(f"{base}/api/v1/carts/claim", data=chunks(3 * 2**20), headers=auth, timeout=30)
        assert other.status_code == 413  # the app-wide limit ([server] max_body_bytes, 2 MB) on every other path
        assert requests.get(f"{base}/api/v1/health", timeout=10).status_code == 200  # still serving


@ON_POSTGRESQL
def test_pushes_and_pulls_at_once_on_two_workers_all_answer(central, tmp_path):
    with granian(central, tmp_path, "--workers", "2", "--threads", "4") as (base, pid):
        assert len(_workers(pid)) == 2
        auth = {"Authorization": f"Bearer {central.token}"}
        codes: list[int] = []

        def push(seq: int) -> None:
            codes.append(push_in_turn(base, central.token, seq))

        def pull() -> None:
            for _ in range(20):
                codes.append(
                    requests.get(
                        f"{base}/api/v1/sync/pull", params={"cursor": 0, "limit": 10}, headers=auth
                    ).status_code
                )

        threads = [threading.Thread(target=push, args=(s,)) for s in range(1, 21)]
        threads += [threading.Thread(target=pull) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert codes == [200] * 100 and central.count(Sale) == 20


@ON_POSTGRESQL
def test_sighup_replaces_the_workers_while_stores_keep_pulling(central, tmp_path):
    """A reload (SIGHUP) swaps both workers while stores pull. No pull gets an HTTP error; a connection the old
    worker accepted as it stopped may be reset (granian, like gunicorn since 20.1, can drop one in the swap: seen
    once in a full suite on a loaded box), which a store's agent retries on its next round; after it, all answer."""
    with granian(central, tmp_path, "--workers", "2", "--threads", "4") as (base, pid):
        before = _workers(pid)
        auth = {"Authorization": f"Bearer {central.token}", "Connection": "close"}
        refused: list[str] = []
        reset: list[str] = []
        answered = [0]
        stop = threading.Event()

        def pull() -> requests.Response:
            return requests.get(f"{base}/api/v1/sync/pull", params={"cursor": 0, "limit": 5}, headers=auth, timeout=30)

        def puller() -> None:
            while not stop.is_set():
                try:
                    r = pull()
                    answered[0] += 1
                    if r.status_code != 200:
                        refused.append(str(r.status_code))
                except requests.ConnectionError as e:
                    reset.append(repr(e))

        threads = [threading.Thread(target=puller) for _ in range(3)]
        for t in threads:
            t.start()
        os.kill(pid, signal.SIGHUP)
        wait_for(lambda: not _workers(pid) & before and len(_workers(pid)) >= 2, "both workers replaced", 60)
        time.sleep(1)
        stop.set()
        for t in threads:
            t.join(30)
        after = _workers(pid)
        assert len(after) == 2 and not after & before  # both workers new
        assert refused == [] and answered[0] > 0
        assert len(reset) <= 3, reset  # at most the connections caught in the swap
        assert [pull().status_code for _ in range(20)] == [200] * 20  # and every pull after it answers


@ON_POSTGRESQL
def test_a_worker_that_dies_is_replaced(central, tmp_path):
    """The health check passes once one worker answers; the other may still be building its app. Both are
    listening before one is killed, and the replacement is listening before new connections are counted on."""
    with granian(central, tmp_path, "--workers", "2", "--threads", "2") as (base, pid):
        port = int(base.rsplit(":", 1)[1])
        wait_for(lambda: len(_workers(pid)) == 2 and _listening(port) == 2, "both workers listening", 60)
        victim = min(_workers(pid))
        os.kill(victim, signal.SIGKILL)
        wait_for(lambda: victim not in _workers(pid) and len(_workers(pid)) == 2, "the killed worker replaced", 60)
        wait_for(lambda: _listening(port) == 2, "the replacement listening", 60)  # it takes connections
        for _ in range(10):
            with socket.create_connection(("127.0.0.1", port), timeout=10):
                pass  # new connections reach a worker
            assert requests.get(f"{base}/api/v1/health", headers={"Connection": "close"}, timeout=10).ok


@ON_POSTGRESQL
def test_a_variable_named_like_a_header_in_the_servers_environment_never_reaches_the_app_as_one(central, tmp_path):
    """granian starts each request's environ from the process environment: HTTP_AUTHORIZATION set there must not
    make a request without a token pass as the store."""
    leak = {"HTTP_AUTHORIZATION": f"Bearer {central.token}", "HTTP_X_REQUEST_ID": "from-the-environment"}
    with granian(central, tmp_path, "--workers", "1", "--threads", "2", **leak) as (base, _pid):
        bare = requests.get(f"{base}/api/v1/sync/pull", params={"cursor": 0, "limit": 5}, timeout=10)
        assert bare.status_code == 401 and bare.json()["error"]["code"] == "missing_token"
        assert bare.headers["X-Request-ID"] != "from-the-environment"


def test_a_central_started_with_its_default_threads_prints_no_warning_about_them(central, tmp_path):
    """central.toml's 64 threads a worker are meant (docs/scaling.md); granian's start-up warning about them is not
    printed, and nothing else is lost from the log."""
    with granian(central, tmp_path, "--workers", "1", "--threads", "64") as (base, _pid):
        assert requests.get(f"{base}/api/v1/health", timeout=10).status_code == 200
    log = (tmp_path / "central.log").read_text(errors="replace")
    assert "Python threads" not in log and "WARNING" not in log, log
    assert "Omnitoko central store is running" in log
