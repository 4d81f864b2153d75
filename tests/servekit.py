"""Real server processes for tests (a plain module, like synckit): a free port on 127.0.0.1, and a process
served until its health URL answers 200, then stopped (terminated, killed if it will not stop); `wait_for`, the
tests' one wait for something a server or a printer does in its own time."""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

import pytest
import requests


def wait_for(condition: Callable[[], Any], what: str, timeout: float = 15.0) -> Any:
    """Poll until `condition()` is truthy (never a timing assert: the deadline only bounds a hang)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting: {what}")
        time.sleep(0.02)


def clear_of_midnight(zone: tzinfo, margin: timedelta) -> datetime:
    """Now (UTC, naive, as the apps' clocks give it), once the next midnight in `zone` is at least `margin` away,
    sleeping past it if need be. For a test whose "today" is read from the real clock by something it cannot freeze
    (a real server process; several parties each on their own clock): that day holds for `margin`."""
    now = datetime.now(UTC)
    local = now.astimezone(zone)
    left = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), zone) - now
    if left < margin:
        time.sleep(left.total_seconds() + 1)
        now = datetime.now(UTC)
    return now.replace(tzinfo=None)


# A port the kernel hands out for bind(0) or an outgoing connection (32768-60999 on Linux) can be taken by another
# xdist worker, or by a client's connection, between free_port() returning it and the server binding it ("Address
# already in use"). So ports come from below that range, each worker from its own block of _BLOCK, starting at a
# random place in it (two runs side by side rarely meet), and one is only given if it binds now.
_FIRST, _BLOCK = 20000, 1000
_next: list[int] = []


def free_port() -> int:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    base = _FIRST + (int(worker) % 12 if worker.isdigit() else 0) * _BLOCK
    if not _next:
        _next.append(random.randrange(_BLOCK))
    for _ in range(_BLOCK):
        port = base + _next[0] % _BLOCK
        _next[0] += 1
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        return port
    raise RuntimeError(f"no free port in {base}-{base + _BLOCK - 1}")


@contextmanager
def served(
    cmd: list[str], cwd: Path, log: Path, health_url: str, what: str, timeout: float = 60
) -> Iterator[subprocess.Popen[bytes]]:
    """Start `cmd` (output to `log`), wait until `health_url` answers 200, yield the process, stop it."""
    with log.open("wb") as out:
        # Its own process group: a kill reaches a production server's workers too, not only its master.
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            pytest.fail(f"{what} exited with {proc.returncode}:\n{log.read_text(errors='replace')}")
        try:
            if requests.get(health_url, timeout=2).status_code == 200:
                break
        except (requests.ConnectionError, requests.Timeout):  # not listening yet, or its workers still starting
            pass
        if time.monotonic() > deadline:
            kill_group(proc)
            pytest.fail(f"{what} did not answer {health_url}:\n{log.read_text(errors='replace')}")
        time.sleep(0.1)
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            kill_group(proc)
        kill_group(proc)  # a worker left behind by a master that has exited


def kill_group(proc: subprocess.Popen[bytes]) -> None:
    """kill -9 a server started with start_new_session=True, master and workers, and wait until all are gone (so
    its port and database are free): a production server's worker outlives its master by a moment otherwise."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
