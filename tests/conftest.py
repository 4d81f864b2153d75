"""Shared fixtures: a migrated SQLite store database per test, its context, app and signed-in tills."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pos.adapters.config import StoreConfig, load_config
from pos.adapters.db import Database
from pos.adapters.migrate import upgrade
from pos.services import auth, setup, shifts
from pos.services.auth import Actor
from pos.services.context import StoreContext

ROOT = Path(__file__).resolve().parents[1]
_TEMPLATE_DB: dict[str, bytes] = {}


def make_config(tmp_path: Path, **overrides: Any) -> StoreConfig:
    cfg = load_config(ROOT / "config.toml", environ={})
    cfg.database.url = f"sqlite:///{tmp_path / 'store.db'}"
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
        ctx = StoreContext(db=Database(cfg.database.url), config=cfg)
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
    ctx = StoreContext(db=Database(config.database.url), config=config)
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
AQUA_330 = "8990000100010"   # Rp 3.500, PPN
AQUA_600 = "8990000100027"   # Rp 4.500, PPN
