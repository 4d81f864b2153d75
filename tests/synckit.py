"""Fixtures and tools for the central-store and sync tests (a plain module: test files import from it).

The central store runs in-process behind a real HTTP server on 127.0.0.1 (werkzeug, threaded) with a
fault-injecting WSGI middleware in front; the agent talks to it with real `requests`. The central
database is SQLite and PostgreSQL (a schema of its own, emptied before each test): tests that take the
`central` fixture run on both. With OMNITOKO_CI=1 an unreachable PostgreSQL fails those tests.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.pool import NullPool
from synckit_store import (  # noqa: F401
    AQUA_330,
    CATALOG,
    SKUS,
    STORE,
    agent_process,
    make_event,
    queue_events,
    queue_sales,
    sale_payload,
    sell,
    unsent,
    wire_event,
    write_store_toml,
)
from werkzeug.serving import make_server

from central.bootstrap import central_context
from central.config import CentralConfig
from central.db import central_database
from central.migrate import upgrade as central_upgrade
from central.services import demo, stores
from central.services.context import CentralContext
from central.tables import CentralBase
from central.web.app import create_central_app
from common.db import Database
from pos.adapters.config import StoreConfig
from pos.services.context import StoreContext
from sync_agent.agent import Agent

PG_BASE = os.environ.get("OMNITOKO_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
_TEMPLATE: dict[str, Path] = {}
TEST_SECRET_KEY = "central-test-key-" + "0123456789abcdef" * 2  # long enough; not a published one


# -- databases ---------------------------------------------------------------------------------------------
def pg_reachable() -> str | None:
    try:
        engine = create_engine(PG_BASE, connect_args={"connect_timeout": 3})
        with engine.connect() as c:
            c.execute(text("select 1"))
        engine.dispose()
        return None
    except Exception as e:  # noqa: BLE001 - any failure means "not reachable"
        return f"{type(e).__name__}: {str(e).splitlines()[0][:200]}"


def require_postgresql() -> None:
    """Fail in CI, skip with the reason printed elsewhere, when the local PostgreSQL does not answer."""
    problem = pg_reachable()
    if problem:
        if os.environ.get("OMNITOKO_CI") == "1":
            pytest.fail(f"PostgreSQL at {PG_BASE} is required in CI and unreachable: {problem}")
        print(f"\nSKIP reason: PostgreSQL at {PG_BASE} unreachable ({problem}); central tests run on SQLite only")
        pytest.skip(f"PostgreSQL unreachable: {problem}")


@contextmanager
def pg_schema(prefix: str = "omnitoko_t") -> Iterator[str]:
    """The URL of a new, empty schema on the local PostgreSQL, dropped afterwards (skipped if unreachable)."""
    require_postgresql()
    schema = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    _admin(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{PG_BASE}?options=-csearch_path%3D{schema}"
    finally:
        _admin(f'DROP SCHEMA "{schema}" CASCADE')


def _admin(statement: str) -> None:
    """One statement on a connection of its own, closed at once (not left idle in a pool while the schema lives)."""
    admin = create_engine(PG_BASE, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as c:
        c.execute(text(statement))
    admin.dispose()


_PG_URL: list[str] = []  # this process's migrated schema, made by the first module that asks for `pg_url`


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A schema on the local PostgreSQL, migrated once per test process and dropped at the end of the run.

    Test modules import this fixture, which makes it one session fixture per module: the first makes the schema and
    the others reuse it, emptied, so each module still starts on an empty schema (each used to make and migrate its
    own, every one holding a connection until the end of the run)."""
    if _PG_URL:
        empty_pg_schema(_PG_URL[0])
        yield _PG_URL[0]
        return
    with pg_schema() as url:
        central_upgrade(url)
        _PG_URL.append(url)
        try:
            yield url
        finally:
            _PG_URL.clear()


def _sqlite_template(tmp_factory: pytest.TempPathFactory) -> Path:
    if "sqlite" not in _TEMPLATE:
        path = tmp_factory.mktemp("central-template") / "central.db"
        central_upgrade(f"sqlite:///{path}")
        _TEMPLATE["sqlite"] = path
    return _TEMPLATE["sqlite"]


def empty_central_url(
    backend: str, tmp_path: Path, tmp_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> str:
    if backend == "sqlite":
        target = tmp_path / f"central-{uuid.uuid4().hex[:6]}.db"
        shutil.copy(_sqlite_template(tmp_factory), target)
        return f"sqlite:///{target}"
    url = request.getfixturevalue("pg_url")
    empty_pg_schema(url)
    return url


def empty_pg_schema(url: str) -> None:
    """Every central table emptied and its sequences restarted, as TRUNCATE ... RESTART IDENTITY would, but with
    DELETE: a test leaves few rows, and TRUNCATE makes a new file for each of the 40-odd tables (about a second)."""
    engine = create_engine(url)
    with engine.begin() as c:
        for table in reversed(CentralBase.metadata.sorted_tables):  # children before parents
            c.execute(table.delete())
        sequences = c.execute(
            text("SELECT relname FROM pg_class WHERE relkind = 'S' AND relnamespace = current_schema()::regnamespace")
        ).scalars()
        for name in list(sequences):
            c.execute(text(f'ALTER SEQUENCE "{name}" RESTART'))
    engine.dispose()


# -- the HTTP server and its faults ------------------------------------------------------------------------
Reply = tuple[str, list[tuple[str, str]], bytes]
Forward = Callable[[bytes], Reply]


class Faults:
    """WSGI middleware: `on_push(body, forward)` and `on_pull(forward)` (pulls and snapshot pages) decide what the
    agent gets back."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.on_push: Callable[[bytes, Forward], Reply] | None = None
        self.on_pull: Callable[[Forward], Reply] | None = None
        self.pushes: list[dict[str, Any]] = []  # every push body the agent sent, parsed
        self.agents: list[str] = []  # the X-Omnitoko-Agent header of every push
        self.requests = 0
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        path, body = environ.get("PATH_INFO", ""), b""
        if environ.get("REQUEST_METHOD") == "POST":
            body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))

        def forward(data: bytes = body) -> Reply:
            env = dict(environ, **{"wsgi.input": io.BytesIO(data), "CONTENT_LENGTH": str(len(data))})
            captured: dict[str, Any] = {}

            def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
                captured.update(status=status, headers=headers)
                return lambda _chunk: None

            chunks = self.app(env, capture)
            try:
                out = b"".join(chunks)
            finally:
                getattr(chunks, "close", lambda: None)()
            return captured["status"], captured["headers"], out

        with self.lock:
            self.requests += 1
        if path == "/api/v1/sync/push":
            try:
                with self.lock:
                    self.pushes.append(json.loads(body))
                    self.agents.append(environ.get("HTTP_X_OMNITOKO_AGENT", ""))
            except (ValueError, RecursionError):  # a hostile body is central's to refuse, not the harness's
                pass
            status, headers, out = self.on_push(body, forward) if self.on_push else forward(body)
        elif path in ("/api/v1/sync/pull", "/api/v1/sync/snapshot") and self.on_pull:
            status, headers, out = self.on_pull(forward)
        else:
            status, headers, out = forward(body)
        headers = [(k, v) for k, v in headers if k.lower() != "content-length"] + [("Content-Length", str(len(out)))]
        start_response(status, headers)
        return [out]

    def pushed_events(self) -> list[str]:
        return [e["event_id"] for p in self.pushes for e in p.get("events", [])]


def server_error(_body: bytes = b"", _forward: Forward | None = None) -> Reply:
    return "500 INTERNAL SERVER ERROR", [("Content-Type", "text/plain")], b"boom"


@dataclass
class CentralHarness:
    ctx: CentralContext
    url: str
    token: str
    faults: Faults
    backend: str
    extra: dict[str, Any] = field(default_factory=dict)

    def count(self, model: Any, *where: Any) -> int:
        with self.ctx.db.sessions() as s:
            return int(s.scalar(select(func.count()).select_from(model).where(*where)) or 0)

    def rows(self, stmt: Any) -> list[Any]:
        with self.ctx.db.sessions() as s:
            return list(s.execute(stmt).all())


def push_body(seqs: list[int]) -> dict[str, Any]:
    """A push batch of TOKO-01's till T1 as the agent sends it: one sale event per store_seq."""
    events = []
    for seq in seqs:
        e = make_event(seq)
        events.append(
            {
                "event_id": e.event_id,
                "store_id": STORE,
                "device_id": "T1",
                "store_seq": seq,
                "type": e.type,
                "schema_version": 1,
                "payload": e.payload,
                "payload_hash": e.payload_hash,
            }
        )
    return {"store_id": STORE, "device_id": "T1", "batch_id": str(uuid.uuid4()), "events": events}


def push_in_turn(base: str, token: str, seq: int) -> int:
    """POST store_seq `seq` (`push_body`) to a served central at `base` until it is more than a gap (an earlier seq
    still on its way is answered 200 with outcome "gap"): the status of the answer that placed it, 0 if none did."""
    import time

    import requests

    body = push_body([seq])
    for _ in range(200):
        r = requests.post(
            f"{base}/api/v1/sync/push", json=body, headers={"Authorization": f"Bearer {token}"}, timeout=60
        )
        if r.status_code != 200 or r.json()["results"][0]["outcome"] != "gap":
            return r.status_code
        time.sleep(0.05)
    return 0


def pull_all(central: CentralHarness, token: str) -> list[dict[str, Any]]:
    """Every change a store's pulls get, from cursor 0 to the head, over HTTP with the store's token."""
    import requests

    changes: list[dict[str, Any]] = []
    cursor = 0
    while True:
        page = requests.get(
            f"{central.url}/api/v1/sync/pull",
            params={"cursor": cursor, "limit": 1000},
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        ).json()
        changes += page["changes"]
        cursor = page["cursor"]
        if not page["more"]:
            return changes


def start_server(app: Any) -> tuple[Any, threading.Thread, str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    return server, thread, f"http://127.0.0.1:{server.server_port}"


def central_config(url: str) -> CentralConfig:
    cfg = CentralConfig()
    cfg.database.url = url
    cfg.server.secret_key = TEST_SECRET_KEY
    return cfg


@pytest.fixture(params=["sqlite", "postgresql"])
def central(
    request: pytest.FixtureRequest, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[CentralHarness]:
    """A central store with 40 demo products, stock for TOKO-01/TOKO-02/online, and TOKO-01 registered."""
    url = empty_central_url(request.param, tmp_path, tmp_path_factory, request)
    cfg = central_config(url)
    ctx = central_context(cfg, central_database(url))
    demo.load(ctx, products_limit=CATALOG)
    token = stores.add_store(ctx, STORE, "Omnitoko Kemang")
    app = create_central_app(cfg, db=ctx.db)
    app.extensions["omnitoko_central"] = ctx  # one context: the test and the server share its caches
    faults = Faults(app.wsgi_app)
    app.wsgi_app = faults  # type: ignore[method-assign]
    server, thread, base = start_server(app)
    harness = CentralHarness(ctx=ctx, url=base, token=token, faults=faults, backend=request.param, extra={"app": app})
    yield harness
    server.shutdown()
    thread.join(timeout=5)
    ctx.db.dispose()


def signed_in_admin(central: CentralHarness, lang: str = "id") -> Any:
    """A Flask test client of central's app signed in as its admin, reading `lang` (remembered)."""
    import re

    stores.set_admin(central.ctx, "admin", "rahasia-1234")
    client = central.extra["app"].test_client()
    page = client.get(f"/admin/login?lang={lang}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    assert client.post("/admin/login", data={"username": "admin", "password": "rahasia-1234", "csrf_token": token})
    return client


def stock_up(central: CentralHarness, qty: int = 100_000) -> None:
    """A delivery of every SKU to TOKO-01 at central, so that the sales of a test stay above zero."""
    from central.services import feed, stock

    with central.ctx.db.unit_of_work() as s:
        moves = [stock.Movement(str(uuid.uuid4()), sku, qty, "receipt") for sku in SKUS]
        feed.append(s, central.ctx, stock.post(s, central.ctx, STORE, moves))


def sell_by_weight(central: CentralHarness, price: int = 42_000) -> None:
    """Apel Fuji (SKU-W0003, PLU 103) sold by weight at central too: the harness's catalog has no weighed goods."""
    from central.services import catalog

    catalog.save_product(
        central.ctx,
        "SKU-W0003",
        name="Apel Fuji",
        price=price,
        tax_group="NONPPN",
        category="fresh",
        measure="weight",
        plu="103",
        create=True,
    )


# -- the store side ----------------------------------------------------------------------------------------
def connect_store(store: StoreContext, central: CentralHarness, **sync: Any) -> StoreConfig:
    s = store.config.sync
    s.central_url, s.token = central.url, central.token
    s.interval_seconds, s.timeout_seconds, s.batch_size = 0.2, 5.0, 50
    # A till waits 2 s for a points hold or a cart checkout, then goes on offline (right at a store); a test about
    # what central records would read a busy CI machine's slow answer as a failure: give central 20 s in tests.
    store.config.loyalty.central_timeout_seconds = store.config.online_carts.central_timeout_seconds = 20.0
    for key, value in sync.items():
        setattr(s, key, value)
    return store.config


@pytest.fixture
def agents(store: StoreContext) -> Iterator[Callable[..., Agent]]:
    """Make agents for the store (each with its own database handle, as a separate process has)."""
    made: list[Agent] = []

    def make(**kwargs: Any) -> Agent:
        said: list[str] = []
        agent = Agent(store.config, db=Database(store.config.database.url), say=said.append, **kwargs)
        agent.said = said  # type: ignore[attr-defined]
        made.append(agent)
        return agent

    yield make
    for a in made:
        a.stop.set()
        a.close()


def sync_until_clean(agent: Agent, rounds: int = 20, pushed: Any = None) -> Any:
    """Rounds until the outbox is empty and the pull current (as `sync run` would do over time); `pushed` (a
    PushTally) adds up every round's push, the rounds that were not clean too (a push can land in a round whose
    pull then times out on a busy machine)."""
    rep = None
    for _ in range(rounds):
        rep = agent.round()
        if pushed is not None:
            pushed.add(rep.push)
        if rep.ok:
            return rep
    raise AssertionError(f"not clean after {rounds} rounds: {rep.summary() if rep else ''}")
