"""GET /api/v1/health follows the database: 200, then 503 with the reason while PostgreSQL cannot be reached (a TCP
proxy on 127.0.0.1 in front of it is stopped; the real server keeps running), then 200 again once it is back."""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

import pytest
from sqlalchemy import create_engine, text
from synckit import central_config, pg_url  # noqa: F401

from central.db import central_database
from central.services import stores
from central.services.context import CentralContext
from central.web.app import create_central_app


class TcpProxy:
    """Forwards 127.0.0.1:<port> to a target; `stop()` refuses new connections and cuts the open ones."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = 0
        self.listener: socket.socket | None = None
        self.open: list[socket.socket] = []
        self.lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))  # the same port again after a stop: the URL does not change
        listener.listen(16)
        self.port, self.listener = listener.getsockname()[1], listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def stop(self) -> None:
        assert self.listener is not None
        self.listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept(); close() alone would not
        self.listener.close()
        self.listener = None
        with self.lock:
            for conn in self.open:
                try:
                    conn.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                conn.close()
            self.open.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # the listener was closed: the proxy is down
            upstream = socket.create_connection(self.target)
            with self.lock:
                self.open += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


@pytest.fixture
def proxy(pg_url: str) -> Iterator[tuple[TcpProxy, str]]:
    parts = urlsplit(pg_url)
    proxy = TcpProxy((parts.hostname or "127.0.0.1", parts.port or 5432))
    proxy.start()
    netloc = f"{parts.username}@127.0.0.1:{proxy.port}" if parts.username else f"127.0.0.1:{proxy.port}"
    yield proxy, urlunsplit(parts._replace(netloc=netloc))
    if proxy.listener is not None:
        proxy.stop()


def test_health_is_503_with_the_reason_while_the_database_is_down_and_200_when_it_is_back(proxy):
    tcp, url = proxy
    cfg = central_config(url)
    app = create_central_app(cfg, db=central_database(url))
    ctx: CentralContext = app.extensions["omnitoko_central"]
    stores.ensure_meta(ctx)
    token = stores.add_store(ctx, "TOKO-01", "Kemang")
    client = app.test_client()
    try:
        up = client.get("/api/v1/health")
        assert up.status_code == 200 and up.get_json()["status"] == "ok"
        epoch = up.get_json()["epoch"]

        tcp.stop()
        for _ in range(2):  # the pooled connection is gone, and so is a fresh one
            down = client.get("/api/v1/health")
            assert down.status_code == 503, down.get_data(as_text=True)
            error = down.get_json()["error"]
            assert error["code"] == "database_unavailable"
            assert "database does not answer" in error["message"] and "refused" in error["message"].lower()
            assert str(tcp.port) not in error["message"]  # where the database lives is not for a public answer
        pushed = client.post(
            "/api/v1/sync/push",
            headers={"Authorization": f"Bearer {token}"},
            json={"store_id": "TOKO-01", "device_id": "T1", "batch_id": "b", "events": []},
        )
        assert pushed.status_code == 503 and pushed.get_json()["error"]["code"] == "database_unavailable"
        assert int(pushed.headers["Retry-After"]) > 0  # the agent backs off at least this long, then sends again

        tcp.start()
        back = client.get("/api/v1/health")
        assert back.status_code == 200 and back.get_json() == {"status": "ok", "epoch": epoch}
    finally:
        ctx.db.dispose()


def test_pulls_and_pushes_are_answered_after_postgresql_closed_every_pooled_connection(pg_url):
    """A database restart (or an idle timeout) closes the server's pooled connections under it: the next requests
    are answered as if nothing happened, never with a 5xx (the idle pull reads without pinging its connection
    first, and sends its read again on a dead one)."""
    name = f"omnitoko_gone_{uuid.uuid4().hex[:12]}"
    url = f"{pg_url}&application_name={name}"
    app = create_central_app(central_config(url), db=central_database(url))
    ctx: CentralContext = app.extensions["omnitoko_central"]
    stores.ensure_meta(ctx)
    token = stores.add_store(ctx, "TOKO-07", "Kemang")
    client = app.test_client()
    auth = {"Authorization": f"Bearer {token}"}
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    try:
        cursor = 0
        while (page := client.get(f"/api/v1/sync/pull?cursor={cursor}", headers=auth).get_json())["more"]:
            cursor = page["cursor"]
        cursor = page["cursor"]
        held = [ctx.db.engine.connect() for _ in range(3)]  # the pool holds three connections, all about to die
        for c in held:
            c.close()
        with admin.connect() as c:
            gone = c.execute(
                text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = :n"),
                {"n": name},
            ).scalar()
            assert gone == 3
            while c.execute(
                text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :n"), {"n": name}
            ).scalar():
                time.sleep(0.05)

        for _ in range(4):  # each pooled connection is dead: the first pull meets one, the pool replaces the rest
            idle = client.get(f"/api/v1/sync/pull?cursor={cursor}", headers=auth)
            assert idle.status_code == 200, idle.get_data(as_text=True)
            assert idle.get_json()["changes"] == [] and idle.get_json()["cursor"] == cursor
        pushed = client.post(
            "/api/v1/sync/push",
            headers=auth,
            json={"store_id": "TOKO-07", "device_id": "T1", "batch_id": "b", "events": []},
        )
        assert pushed.status_code == 200, pushed.get_data(as_text=True)
        assert client.get("/api/v1/health").status_code == 200
    finally:
        admin.dispose()
        ctx.db.dispose()
