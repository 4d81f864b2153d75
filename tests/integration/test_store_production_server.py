"""`omnitoko store serve` under its production server (gunicorn, one worker, threads): sales over HTTP from several
tills at once, Socket.IO over real WebSockets to each till's room, the print worker and the backups once in the
one process, hostile input refused while it keeps serving, and a clean stop with displays still connected."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import socketio
from servekit import free_port, kill_group, wait_for

ROOT = Path(__file__).resolve().parents[2]
AQUA_330 = "8990000100010"  # Rp 3.500
TILLS = ["T1", "T2", "T3"]


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OMNITOKO_")}
    env["OMNITOKO_SERVER__SECRET_KEY"] = "a-store-test-secret-of-enough-length-0123456789"
    env["OMNITOKO_BACKUP__DIR"] = str(tmp_path / "backups")
    env["OMNITOKO_BACKUP__INTERVAL_MINUTES"] = "60"
    return env


@pytest.fixture
def server(tmp_path: Path) -> Iterator[dict[str, Any]]:
    config = tmp_path / "config.toml"
    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    config.write_text(text.replace('tills = ["T1", "T2"]', f"tills = {TILLS!r}".replace("'", '"')), encoding="utf-8")
    cli = [sys.executable, "-m", "omnitoko.cli", "store"]
    env = _env(tmp_path)
    subprocess.run(
        [*cli, "init", "--config", str(config), "--demo-data"], cwd=tmp_path, env=env, check=True, timeout=180
    )
    port = free_port()
    log = tmp_path / "server.log"
    with log.open("wb") as out:  # its own process group: a stop reaches the gunicorn worker too
        proc = subprocess.Popen(
            [*cli, "serve", "--config", str(config), "--port", str(port), "--threads", "24"],
            cwd=tmp_path,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        assert proc.poll() is None, log.read_text(errors="replace")
        try:
            if requests.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                break
        except requests.RequestException:
            pass
        assert time.monotonic() < deadline, log.read_text(errors="replace")
        time.sleep(0.1)
    try:
        yield {"base": base, "proc": proc, "log": log, "backups": tmp_path / "backups", "config": config}
    finally:
        kill_group(proc)  # a worker a failed test left behind too


def listener(base: str, till: str) -> tuple[socketio.Client, list[dict[str, Any]]]:
    """A customer display on `till`'s room, over a WebSocket (no long-polling fallback)."""
    seen: list[dict[str, Any]] = []
    client = socketio.Client(reconnection=False)
    client.on("sale", seen.append)
    client.connect(base, transports=["websocket"], wait_timeout=30)
    assert client.transport() == "websocket"
    assert client.call("join", {"till": till}, timeout=30) == {"ok": True, "room": f"till:{till}"}
    return client, seen


def ring_up(base: str, till: str, sales: int) -> list[str]:
    http = requests.Session()
    r = http.post(f"{base}/api/v1/session", json={"staff_code": "1001", "pin": "1234", "till_id": till}, timeout=30)
    assert r.status_code == 201, r.text
    http.headers["Authorization"] = f"Bearer {r.json()['token']}"
    assert http.post(f"{base}/api/v1/shifts", json={"opening_float": 100_000}, timeout=30).status_code == 201
    numbers = []
    for _ in range(sales):
        sale = http.post(f"{base}/api/v1/sales", timeout=30).json()
        r = http.post(f"{base}/api/v1/sales/{sale['id']}/lines", json={"barcode": AQUA_330, "qty": 2}, timeout=30)
        assert r.status_code in (200, 201), r.text
        paid = http.post(
            f"{base}/api/v1/sales/{sale['id']}/tenders", json={"type": "cash", "amount": 10_000}, timeout=30
        )
        assert paid.status_code in (200, 201), paid.text
        done = http.post(f"{base}/api/v1/sales/{sale['id']}/complete", timeout=30)
        assert done.status_code == 200 and done.json()["state"] == "completed", done.text
        numbers.append(done.json()["number"])
    return numbers


def test_tills_sell_at_once_and_each_display_sees_its_own_sales_live_under_gunicorn(server):
    base = server["base"]
    health = requests.get(f"{base}/api/v1/health", timeout=10)
    assert "gunicorn" in health.headers.get("Server", "").lower()  # not Werkzeug's development server
    displays = {till: listener(base, till) for till in TILLS}
    numbers: dict[str, list[str]] = {}
    errors: list[BaseException] = []

    def cashier(till: str) -> None:
        try:
            numbers[till] = ring_up(base, till, 3)
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=cashier, args=(till,)) for till in TILLS]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=180)
    assert errors == []
    for till, (client, seen) in displays.items():
        done = lambda seen=seen: {s.get("number") for s in seen if s.get("state") == "completed"}  # noqa: E731
        wait_for(lambda done=done, till=till: done() >= set(numbers[till]), f"{till}'s display saw its sales", 30)
        assert {s["till_id"] for s in seen} == {till}  # rooms: only its own till's sales
        assert all(n.split("-")[-2] == till for n in done() if n)
        client.disconnect()

    log = server["log"].read_text(errors="replace")
    assert "gunicorn, 1 worker x 24 threads" in log
    # One process runs the print queue and the backups: each started once, so one backup at start, not two.
    assert log.count("print queue worker started") == 1 and log.count("backups           every") == 1
    wait_for(lambda: len(list(server["backups"].glob("*.db"))) >= 1, "the first backup was written", 30)
    time.sleep(1)
    assert len(list(server["backups"].glob("*.db"))) == 1
    assert log.count("print worker: this process") == 1  # one printer owner, not one per process
    assert "Traceback" not in log, log


def test_hostile_requests_are_refused_and_the_server_keeps_serving_then_stops_cleanly(server):
    base = server["base"]
    client, seen = listener(base, "T1")
    big = requests.post(f"{base}/api/v1/session", data=b"x" * (3 * 2**20), timeout=60)  # over max_body_bytes
    assert big.status_code == 413
    forged = requests.post(f"{base}/api/v1/session", json={"staff_code": "1001", "pin": "0000", "till_id": "T1"})
    assert forged.status_code in (401, 403)
    assert client.call("join", ["not", "a", "dict"], timeout=30) == {"ok": False, "error": "name a till"}
    assert client.call("join", {"till": "T" * 5000}, timeout=30)["ok"] is True  # cut to a till name, no crash
    assert ring_up(base, "T1", 1)  # still selling, and the display still hears it
    wait_for(lambda: any(s.get("state") == "completed" for s in seen), "the display saw the sale", 30)

    os.kill(server["proc"].pid, signal.SIGTERM)  # as systemd stops it, with the display still connected
    assert server["proc"].wait(timeout=60) == 0
    wait_for(lambda: not client.connected, "the server closed the display's connection", 30)
    log = server["log"].read_text(errors="replace")
    assert log.count("store server stopped: print queue, sync badge and backups ended") == 1, log
    assert "Traceback" not in log, log
