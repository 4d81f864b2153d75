"""Shared fixtures: a migrated SQLite store database per test, its context, app and signed-in tills."""

from __future__ import annotations

import fcntl
import gc
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pos import bootstrap
from pos.adapters.config import StoreConfig, load_config
from pos.adapters.migrate import upgrade
from pos.services import auth, setup, shifts
from pos.services.auth import Actor
from pos.services.context import StoreContext

ROOT = Path(__file__).resolve().parents[1]
_TEMPLATE_DB: dict[str, bytes] = {}
# The servers refuse to start without a long secret key of their own; tests use this one.
TEST_SECRET_KEY = "store-test-key-" + "0123456789abcdef" * 2


KIOSK_HEADER = "X-Kiosk-Device"
TEST_PIN_METHOD = "scrypt:1024:8:1"  # the demo template's staff PINs (see _demo_db_bytes)


def make_config(tmp_path: Path, **overrides: Any) -> StoreConfig:
    cfg = load_config(ROOT / "config.toml", environ={})
    cfg.database.url = f"sqlite:///{tmp_path / 'store.db'}"
    cfg.server.secret_key = TEST_SECRET_KEY
    # Tests of other things send many kiosk carts a minute; tests/security sets the per-kiosk limits it tests.
    cfg.kiosk.prints_per_minute = cfg.kiosk.carts_per_minute = 10_000
    for dotted, value in overrides.items():
        table, key = dotted.split("__")
        setattr(getattr(cfg, table), key, value)
    return cfg


def _demo_db_bytes(tmp_factory: pytest.TempPathFactory) -> bytes:
    """Migrate and load demo data once per run; each test gets a copy of the file."""
    if "demo" not in _TEMPLATE_DB:
        where = tmp_factory.mktemp("template")
        cfg = make_config(where)
        upgrade(cfg.database.url)
        ctx = bootstrap.store_context(cfg, steps=())
        # The real PIN hash (scrypt, N=16384) costs about 0.1 s of CPU a check, and the tests sign in thousands of
        # times: the template's staff get the same scheme at a test cost (N=1024). Production hashing is unchanged
        # (test_auth_service checks hash_pin's cost).
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(auth, "PIN_METHOD", TEST_PIN_METHOD)
            setup.load_demo_data(ctx)
        ctx.db.dispose()
        _TEMPLATE_DB["demo"] = (where / "store.db").read_bytes()
    return _TEMPLATE_DB["demo"]


@pytest.fixture
def config(tmp_path: Path) -> StoreConfig:
    return make_config(tmp_path)


@pytest.fixture
def store(tmp_path: Path, config: StoreConfig, tmp_path_factory: pytest.TempPathFactory) -> Iterator[StoreContext]:
    """A store with the demo catalog and staff, nothing sold yet."""
    (tmp_path / "store.db").write_bytes(_demo_db_bytes(tmp_path_factory))
    # Service tests opt into after-sale steps by name (bootstrap.enable), so each shows only what it tests.
    ctx = bootstrap.store_context(config, steps=())
    yield ctx
    ctx.db.dispose()


@pytest.fixture
def cashier(store: StoreContext) -> Actor:
    return auth.sign_in(store, "1001", "1234", "T1")[1]


@pytest.fixture
def manager(store: StoreContext) -> Actor:
    return auth.sign_in(store, "9001", "4321", "T1")[1]


@pytest.fixture
def open_till(store: StoreContext, cashier: Actor) -> Actor:
    shifts.open_shift(store, cashier, 200_000)
    return cashier


MANAGER = {"staff_code": "9001", "pin": "4321"}
AQUA_330 = "8990000100010"  # Rp 3.500, PPN
AQUA_600 = "8990000100027"  # Rp 4.500, PPN

# Tables that record facts; "nothing changed" means every row of these is the same as before.
FACT_TABLES = (
    "sales",
    "sale_lines",
    "tenders",
    "refunds",
    "refund_lines",
    "stock_movements",
    "outbox",
    "counters",
    "tills",
    "shifts",
    "cash_moves",
    "audit_log",
)


def store_state(ctx: StoreContext) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the fact tables, to show that a refused request changed nothing."""
    from sqlalchemy import text

    with ctx.db.engine.connect() as conn:
        return {t: sorted(map(tuple, conn.execute(text(f"SELECT * FROM {t}"))), key=repr) for t in FACT_TABLES}


@pytest.fixture
def facts(store: StoreContext) -> Any:
    """A callable giving every row of the fact tables now: equal before and after = nothing changed."""
    return lambda: store_state(store)


class Api:
    """The store API through Flask's test client; any 5xx answer fails the test on the spot."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.client = app.test_client()
        self.token: str | None = None
        self.kiosk_token: str | None = None  # sent on /api/v1/kiosk/ calls: the `api` fixture pairs a kiosk

    def call(self, method: str, path: str, body: Any = None, *, token: str | None = None, **kw: Any) -> Any:
        token = token if token is not None else self.token
        headers = {**kw.pop("headers", {}), **({"Authorization": f"Bearer {token}"} if token else {})}
        if self.kiosk_token and path.startswith("/api/v1/kiosk/"):
            headers.setdefault(KIOSK_HEADER, self.kiosk_token)
        if body is not None:
            kw["json"] = body
        resp = self.client.open(path, method=method, headers=headers, **kw)
        assert resp.status_code < 500, f"{method} {path} answered {resp.status_code}: {resp.get_data(as_text=True)}"
        return resp

    def get(self, path: str, **kw: Any) -> Any:
        return self.call("GET", path, **kw)

    def post(self, path: str, body: Any = None, **kw: Any) -> Any:
        return self.call("POST", path, body, **kw)

    def patch(self, path: str, body: Any = None, **kw: Any) -> Any:
        return self.call("PATCH", path, body, **kw)

    def delete(self, path: str, **kw: Any) -> Any:
        return self.call("DELETE", path, **kw)

    def sign_in(self, staff_code: str = "1001", pin: str = "1234", till_id: str = "T1") -> str:
        resp = self.post("/api/v1/session", {"staff_code": staff_code, "pin": pin, "till_id": till_id})
        assert resp.status_code == 201, resp.get_json()
        self.token = resp.get_json()["token"]
        return self.token


@pytest.fixture
def api(store: StoreContext) -> Api:
    """The app over the `store` database, nobody signed in yet; its kiosk calls come from a paired kiosk."""
    from pos.web.app import create_app

    client = Api(create_app(store.config, store.db))
    client.kiosk_token = pair_kiosk(store)
    return client


def pair_kiosk(ctx: StoreContext, name: str = "kiosk-test") -> str:
    """A kiosk paired the way a manager pairs one (a code, then the kiosk's pairing call); its device token."""
    from pos.services import kiosk_devices

    code = kiosk_devices.new_pairing_code(ctx, "test-manager")["code"]
    return str(kiosk_devices.pair(ctx, code, name)["token"])


@pytest.fixture
def till_api(api: Api) -> Api:
    """The API signed in as cashier 1001 on T1, with a shift open on a Rp 200.000 float."""
    api.sign_in()
    assert api.post("/api/v1/shifts", {"opening_float": 200_000}).status_code == 201
    return api


# Markers by where a test lives (registered in pyproject.toml), so `make test-fast` can pick a quick subset.
TESTS = Path(__file__).resolve().parent
# Simulations, many-process concurrency, kills and bench smoke runs: minutes on the shared 2-core machine.
SLOW_FILES = frozenset(
    {
        "simulation/test_simulation.py",
        "central/test_concurrency_pg.py",
        "sync/test_backup_restore.py",
        "central/test_production_serving.py",
        "integration/test_kill_during_checkout.py",
        "integration/test_bench_checkout.py",
        "integration/test_print_bench.py",
        "integration/test_api_fuzz.py",
        "fuzz/test_openapi_fuzz.py",
    }
)


def kind_of_test(relative: str) -> str:
    """unit, browser or integration, from a test file's path under tests/ (posix separators)."""
    if relative.startswith("unit/"):
        return "unit"
    if relative.startswith("e2e/") or relative.endswith("_browser.py"):
        return "browser"
    return "integration"


# `make test` runs the suite on several pytest-xdist workers with `--dist loadgroup`: tests of one xdist_group run on
# one worker, one after the other. Tests that open tens of connections at once (many threads or stores, gunicorn
# workers, the simulation's processes) share the PostgreSQL server beyond their own schema: together they would
# near its 100 connections (shared with other runs too), so they share a group and never run side by side.
# (Central's housekeeping lock is keyed by schema, central/services/singleton.py, so each worker holds its own.)
POSTGRESQL_SERVER_WIDE = frozenset(
    {
        "simulation/test_simulation.py::test_20_seeded_histories_with_central_on_postgresql_lose_nothing_either",
        "central/test_concurrency_pg.py",
        "central/test_production_serving.py",
        "transfers/test_transfers_concurrent_pg.py",
        "till_qris/test_till_qris_concurrent.py",
        "payments/test_payment_races_and_secrets.py",
    }
)
# Modules whose server or browsers are module-scoped fixtures: on one worker, so they start once, not once per worker.
ONE_WORKER_MODULES = frozenset({"e2e/test_layout_browser.py", "security/test_body_limits.py"})


def xdist_group_of(relative: str, test: str) -> str | None:
    """The group of a test, from its file (posix, under tests/) and its name; None: any worker, on its own."""
    if relative in POSTGRESQL_SERVER_WIDE or f"{relative}::{test}" in POSTGRESQL_SERVER_WIDE:
        return "postgresql-server-wide"
    return relative if relative in ONE_WORKER_MODULES else None


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the xdist_group marks
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    slow: set[pytest.Item] = set()
    for item in items:
        relative = item.path.resolve().relative_to(TESTS).as_posix()
        item.add_marker(kind_of_test(relative))
        if relative in SLOW_FILES:
            item.add_marker("slow")
            slow.add(item)
        group = xdist_group_of(relative, item.name.split("[")[0])
        if group:
            item.add_marker(pytest.mark.xdist_group(group))
    # The slow ones first (the order is otherwise kept): on several workers the longest tests start at once instead
    # of one of them running alone at the end.
    items.sort(key=lambda item: item not in slow)


# The folders whose code calls central while selling: no HTTP request may leave with a transaction open.
_NO_NETWORK_IN_TX = {"service", "loyalty", "carts", "integration", "sync", "till_qris"}


@pytest.fixture(autouse=True)
def no_network_in_transaction(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    from txguard import guarded

    if _NO_NETWORK_IN_TX.isdisjoint(request.path.relative_to(ROOT / "tests").parts[:1]):
        yield None
        return
    with guarded(monkeypatch) as guard:
        yield guard
    assert not guard.violations, "HTTP inside a transaction: " + "; ".join(guard.violations)


def pytest_collection_finish() -> None:
    """Every module is imported: the garbage collector's full passes during the run need not walk them (as
    `omnitoko.cli.run` does for a command's code)."""
    gc.freeze()


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """With OMNITOKO_TEST_TIMES=<file>, each test's phases and seconds are appended to it as they finish (so a run
    that is stopped still says where its time went; `python -m tests.times <file>` sums it by file)."""
    where = os.environ.get("OMNITOKO_TEST_TIMES")
    # Under pytest-xdist this hook runs in the worker and again in the controller with the worker's report: the
    # controller alone writes (the lock keeps whole lines should two runs share the file).
    if where and not os.environ.get("PYTEST_XDIST_WORKER"):
        with open(where, "a", encoding="utf-8") as out:
            fcntl.flock(out, fcntl.LOCK_EX)
            out.write(f"{report.duration:.3f}\t{report.when}\t{report.outcome}\t{report.nodeid}\n")
