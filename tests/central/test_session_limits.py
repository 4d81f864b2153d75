"""The web workers' PostgreSQL sessions have time limits ([database] statement_timeout_ms, lock_timeout_ms,
idle_in_transaction_timeout_ms): a request held up by a lock another session keeps is answered 503 with Retry-After
and the reason, and answers again once the lock is gone. The CLI's and the housekeeping worker's sessions have
none. Each test holds a real lock on the local PostgreSQL from a connection of its own."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool
from synckit import STORE, central_config, empty_pg_schema, pg_url  # noqa: F401

from central.bootstrap import central_context
from central.config import CentralConfig
from central.db import SessionLimits
from central.services import demo, stores
from central.services import pull as pull_service
from central.web.app import create_central_app

pytestmark = pytest.mark.integration


def _config(url: str, *, statement_ms: int, lock_ms: int) -> CentralConfig:
    cfg = central_config(url)
    cfg.database.statement_timeout_ms, cfg.database.lock_timeout_ms = statement_ms, lock_ms
    cfg.database.pool_size, cfg.database.max_overflow = 2, 0
    return cfg


@pytest.fixture
def token(pg_url: str) -> str:  # noqa: F811 - the fixture imported above
    empty_pg_schema(pg_url)
    ctx = central_context(central_config(pg_url))  # as the CLI makes it: no time limits
    demo.load(ctx, products_limit=5)
    token = stores.add_store(ctx, STORE, "Omnitoko Kemang")
    ctx.db.dispose()
    return token


class HeldLock:
    """`LOCK TABLE ... IN ACCESS EXCLUSIVE MODE` in a transaction of its own: every statement that touches the
    table waits until `release()` (which a timer calls anyway after `give_up_s`, so a test without the limits
    ends with a wrong answer instead of hanging)."""

    def __init__(self, url: str, table: str, give_up_s: float = 30.0) -> None:
        self.engine = create_engine(url, poolclass=NullPool)
        self.conn = self.engine.connect()
        self.tx = self.conn.begin()
        self.conn.execute(text(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE"))
        self._done = threading.Lock()
        self.timer = threading.Timer(give_up_s, self.release)
        self.timer.start()

    def release(self) -> None:
        with self._done:
            if self.conn.closed:
                return
            self.timer.cancel()
            self.tx.rollback()
            self.conn.close()
            self.engine.dispose()


@pytest.fixture
def app_for(pg_url: str) -> Iterator:  # noqa: F811 - the fixture imported above
    made = []

    def make(**limits: int):
        app = create_central_app(_config(pg_url, **limits))  # no db given: the app makes its own, with its limits
        made.append(app)
        return app

    yield make
    for app in made:
        app.extensions["omnitoko_central"].db.dispose()


def pull(app, token: str):
    return app.test_client().get("/api/v1/sync/pull?cursor=0", headers={"Authorization": f"Bearer {token}"})


def test_a_pull_held_up_by_a_lock_is_told_busy_with_the_reason_and_answers_once_the_lock_is_gone(
    pg_url: str,  # noqa: F811 - the fixture imported above
    token: str,
    app_for,
) -> None:
    app = app_for(statement_ms=30_000, lock_ms=300)
    assert pull(app, token).status_code == 200
    lock = HeldLock(pg_url, "stores")  # every sync request reads its store's row by token
    try:
        resp = pull(app, token)
    finally:
        lock.release()
    assert resp.status_code == 503, resp.get_data(as_text=True)
    assert resp.headers["Retry-After"] == "2"
    error = resp.get_json()["error"]
    assert error["code"] == "busy" and "waited too long for a lock" in error["message"]
    again = pull(app, token)
    assert again.status_code == 200 and "changes" in again.get_json()


def test_a_pull_held_up_by_a_lock_waits_once_not_again_in_the_app_behind_the_idle_pull_short_path(
    pg_url: str,  # noqa: F811 - the fixture imported above
    token: str,
    app_for,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The idle pull's short path (central/web/idle_pull.py) asks first; past its lock limit the app's view answers
    503 from that error instead of asking the database again (which would hold the thread for a second limit)."""
    app = app_for(statement_ms=30_000, lock_ms=300)
    asked_by_the_app = []
    real = pull_service.pull_with_token
    monkeypatch.setattr(pull_service, "pull_with_token", lambda *a, **k: asked_by_the_app.append(1) or real(*a, **k))
    lock = HeldLock(pg_url, "stores")
    try:
        resp = pull(app, token)
    finally:
        lock.release()
    assert resp.status_code == 503 and "waited too long for a lock" in resp.get_json()["error"]["message"]
    assert asked_by_the_app == []
    assert pull(app, token).status_code == 200


def test_many_stores_held_up_by_one_lock_are_each_told_busy_and_all_served_once_it_goes(
    pg_url: str,  # noqa: F811 - the fixture imported above
    token: str,
    app_for,
) -> None:
    """Eight pulls at once against a pool of two connections while a lock is held: each gets its 503 (none a 500
    for a pool that ran dry), and every one is served after."""
    app = app_for(statement_ms=30_000, lock_ms=300)
    lock = HeldLock(pg_url, "stores")
    try:
        with ThreadPoolExecutor(8) as pool:
            held_up = list(pool.map(lambda _: pull(app, token), range(8)))
    finally:
        lock.release()
    assert [r.status_code for r in held_up] == [503] * 8
    assert {r.get_json()["error"]["code"] for r in held_up} == {"busy"}
    with ThreadPoolExecutor(8) as pool:
        assert [r.status_code for r in pool.map(lambda _: pull(app, token), range(8))] == [200] * 8


def test_a_statement_past_its_time_limit_is_told_busy_and_the_next_request_is_served(
    pg_url: str,  # noqa: F811 - the fixture imported above
    token: str,
    app_for,
) -> None:
    app = app_for(statement_ms=300, lock_ms=0)  # no lock limit: the statement's own limit ends the wait
    lock = HeldLock(pg_url, "stores")
    try:
        resp = pull(app, token)
    finally:
        lock.release()
    assert resp.status_code == 503, resp.get_data(as_text=True)
    assert "a statement ran past its time limit" in resp.get_json()["error"]["message"]
    assert pull(app, token).status_code == 200  # the pooled connection that was cut short still serves


def test_the_web_sessions_start_with_the_limits_and_the_cli_sessions_with_none(
    pg_url: str,  # noqa: F811 - the fixture imported above
    app_for,
) -> None:
    def settings(db) -> tuple[str, ...]:
        with db.engine.connect() as c:
            names = ("statement_timeout", "lock_timeout", "idle_in_transaction_session_timeout", "search_path")
            return tuple(c.execute(text(f"SHOW {n}")).scalar_one() for n in names)

    web = app_for(statement_ms=30_000, lock_ms=10_000).extensions["omnitoko_central"].db
    cli = central_context(central_config(pg_url)).db
    try:
        schema = pg_url.rsplit("%3D", 1)[1]  # the test URL's own options (its schema) are kept beside the limits
        assert settings(web) == ("30s", "10s", "1min", schema)
        assert settings(cli) == ("0", "0", "0", schema)
    finally:
        cli.dispose()


def test_the_limits_go_to_postgresql_as_the_options_of_the_connection_after_the_urls_own() -> None:
    limits = SessionLimits(statement_timeout=30_000, lock_timeout=0, idle_in_transaction_session_timeout=60_000)
    url = "postgresql+psycopg://u@h/db?options=-csearch_path%3Dshop"
    assert (
        limits.options(url)
        == "-csearch_path=shop -c statement_timeout=30000 -c idle_in_transaction_session_timeout=60000"
    )
    assert (
        limits.options("postgresql+psycopg://u@h/db")
        == "-c statement_timeout=30000 -c idle_in_transaction_session_timeout=60000"
    )
