"""Issue 15, point 4: a huge request body is refused with 413 and never held in memory, whether it says how
long it is or is streamed in chunks; the store server keeps serving."""

from __future__ import annotations

import os
import secrets
import select
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import sqlalchemy as sa
from servekit import free_port, served
from synckit import central, pg_url, start_server  # noqa: F401 - the central store on SQLite and PostgreSQL

ROOT = Path(__file__).resolve().parents[2]
OFFERED = 400 * 2**20  # what the attacker would send
CHUNK = 2**20


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int, int]]:
    where = tmp_path_factory.mktemp("limits")
    port = free_port()
    env = {
        **os.environ,
        "OMNITOKO_DATABASE__URL": f"sqlite:///{where / 'store.db'}",
        "OMNITOKO_SERVER__PORT": str(port),
        "OMNITOKO_SERVER__SECRET_KEY": secrets.token_hex(32),
    }
    cli = [sys.executable, "-m", "omnitoko.cli", "store"]
    subprocess.run(
        [*cli, "init", "--config", str(ROOT / "config.toml")],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    os.environ.update({k: v for k, v in env.items() if k.startswith("OMNITOKO_")})
    try:
        with served(
            [*cli, "serve", "--config", str(ROOT / "config.toml")],
            ROOT,
            where / "server.log",
            f"http://127.0.0.1:{port}/api/v1/health",
            "store server",
        ) as proc:
            yield f"http://127.0.0.1:{port}", port, proc.pid
    finally:
        for key in ("OMNITOKO_DATABASE__URL", "OMNITOKO_SERVER__PORT", "OMNITOKO_SERVER__SECRET_KEY"):
            os.environ.pop(key, None)


def _stream_chunked(port: int, path: str, token: str = "") -> tuple[bytes, int]:
    """Offer a 400 MB chunked body with no Content-Length; stop once the server answers or stops reading."""
    sock = socket.create_connection(("127.0.0.1", port))
    auth = f"Authorization: Bearer {token}\r\n" if token else ""
    sock.settimeout(5)  # a guard for a server that stops reading, not a measured figure
    sock.sendall(
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"{auth}Transfer-Encoding: chunked\r\n\r\n".encode()
    )
    chunk = f"{CHUNK:x}\r\n".encode() + b"[" * CHUNK + b"\r\n"
    sent = 0
    try:
        while sent < OFFERED and not select.select([sock], [], [], 0)[0]:
            sock.sendall(chunk)
            sent += CHUNK
    except (TimeoutError, BrokenPipeError, ConnectionResetError):
        pass
    answer = b""
    try:
        while part := sock.recv(65536):
            answer += part
            if b"\r\n\r\n" in answer and b"}" in answer:
                break
    except (TimeoutError, ConnectionResetError):
        pass
    sock.close()
    return answer, sent


def test_a_400_mb_streamed_body_is_cut_with_413_and_the_server_does_not_grow(server: tuple[str, int, int]) -> None:
    url, port, pid = server
    before = _rss_mb(pid)
    answer, sent = _stream_chunked(port, "/api/v1/session")
    assert answer.startswith(b"HTTP/1.1 413"), answer[:300]
    assert b"body_too_large" in answer and b"larger than 2 MB" in answer
    assert sent < OFFERED  # the server stopped taking the body long before its end
    assert _rss_mb(pid) - before < 64, f"the server grew from {before:.0f} MB to {_rss_mb(pid):.0f} MB"
    assert requests.get(f"{url}/api/v1/health", timeout=10).status_code == 200


def test_a_declared_400_mb_body_is_refused_before_it_is_read(server: tuple[str, int, int]) -> None:
    url, port, pid = server
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.settimeout(10)
        sock.sendall(
            f"POST /api/v1/sales HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {OFFERED}\r\n\r\n".encode()
            + b"{" * CHUNK
        )
        answer = sock.recv(65536)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:300]
    assert requests.post(f"{url}/api/v1/session", json={"staff_code": "x", "pin": "1"}, timeout=10).status_code < 500


def test_a_body_under_the_limit_is_still_read(api: object) -> None:
    resp = api.post("/api/v1/session", {"staff_code": "1001", "pin": "1234", "till_id": "T1"})  # type: ignore[attr-defined]
    assert resp.status_code == 201
    big = api.client.post(
        "/api/v1/session",
        data=b"{" * (2 * 2**20 + 1),  # type: ignore[attr-defined]
        content_type="application/json",
    )
    assert big.status_code == 413 and big.get_json()["error"]["code"] == "body_too_large"


def test_central_cuts_a_streamed_body_but_a_push_may_be_larger_than_the_default(central: Any) -> None:
    from central.web.app import create_central_app

    app = create_central_app(central.ctx.config, db=central.ctx.db)  # no test middleware in front of it
    app.extensions["omnitoko_central"] = central.ctx
    server, thread, url = start_server(app)
    try:
        _central_limits(int(url.rsplit(":", 1)[1]), url, central.token)
    finally:
        server.shutdown()
        thread.join(timeout=10)


def _central_limits(port: int, url: str, token: str) -> None:
    answer, sent = _stream_chunked(port, "/api/v1/loyalty/members/lookup", token)
    assert answer.startswith(b"HTTP/1.1 413") and b"larger than 2 MB" in answer, answer[:300]
    assert sent < OFFERED
    answer, sent = _stream_chunked(port, "/api/v1/sync/push", token)
    assert answer.startswith(b"HTTP/1.1 413") and b"larger than 8 MB" in answer, answer[:300]
    # 3 MB is over the default but within the push's own limit: read, then judged on its content (400).
    push = requests.post(
        f"{url}/api/v1/sync/push",
        data=b" " * (3 * 2**20) + b"{}",
        timeout=30,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    assert push.status_code == 400 and push.json()["error"]["code"] == "invalid_request"


def test_every_store_list_has_a_cap_and_a_limit_above_it_is_refused_clearly(till_api: Any, store: Any) -> None:
    from pos.adapters.tables import Sale
    from pos.services.sales import MAX_LISTED

    for path in (
        "/api/v1/products?q=a&limit=100000",
        "/api/v1/print-jobs?limit=100000",
        "/api/v1/kiosk/products?limit=100000",
    ):
        resp = till_api.get(path)
        assert resp.status_code == 400 and "limit" in resp.get_json()["error"]["message"], path
    from pos.adapters.tables import Shift

    with store.db.unit_of_work() as s:  # more parked sales than one answer lists
        shift = s.scalar(sa.select(Shift).where(Shift.till_id == "T1"))
        s.add_all(
            Sale(till_id="T1", shift_id=shift.id, staff_id=shift.staff_id, state="parked")
            for _ in range(MAX_LISTED + 5)
        )
    assert len(till_api.get("/api/v1/sales/parked").get_json()["items"]) == MAX_LISTED
