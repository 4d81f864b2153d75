"""The simulated world: a central store (online shop included) and three stores, each with a till and a sync
agent, on SQLite files copied from templates made once per process; one simulated clock, skewed per store.

The templates hold what every history starts from: central with the demo catalog, the three stores
registered (their tokens), members signed up (with an offline allowance at every store, some with opening
points); each store's database with the demo staff (PINs re-hashed cheaply: the real scrypt cost is a
deliberate brake on PIN guessing and would dominate a simulation's run time) and catalog, synced with central
once. A process lays every history's files out under the same names and keeps one engine per file, so
SQLAlchemy's statement cache serves all its histories.
"""

from __future__ import annotations

import atexit
import random
import shutil
import sqlite3
import tempfile
from collections import Counter as Tally
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import central_db
from network import SIM_CENTRAL, SimNetwork, StoreLink, routed

TESTS = Path(__file__).resolve().parents[1]
STORES = ("TOKO-01", "TOKO-02", "TOKO-03")
MEMBERS = 4
ALLOWANCE = 40  # points each member may redeem offline at each store
START = datetime(2026, 11, 2, 1, 0)  # the simulated clock's start (UTC)
_TEMPLATES: dict[str, Any] = {}
_DBS: dict[str, Any] = {}


class SimClock:
    """The world's time: central reads it as is, each store with its own skew."""

    def __init__(self) -> None:
        self.now = START

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)

    def skewed(self, skew: timedelta) -> Any:
        return lambda: self.now + skew


@dataclass
class Store:
    """One store: its context (database, config, clock), its line to central, staff and agent."""

    id: str
    ctx: Any
    link: StoreLink
    skew: timedelta
    cashier: Any = None
    manager: Any = None
    agent: Any = None
    done: list[dict[str, Any]] = field(default_factory=list)  # completed sales (views)


def scratch_dir() -> Path:
    """One folder per process, on tmpfs when there is one (the simulation checks logic, not the disk's
    fsync); every history of the process lays its databases out there again."""
    if "dir" not in _TEMPLATES:
        shm = Path("/dev/shm")
        _TEMPLATES["dir"] = Path(tempfile.mkdtemp(prefix="omnitoko-sim-", dir=shm if shm.is_dir() else None))
        atexit.register(shutil.rmtree, _TEMPLATES["dir"], ignore_errors=True)
    return _TEMPLATES["dir"]


def store_config(where: Path, store_id: str, token: str, rng: random.Random) -> Any:
    from pos.adapters.config import load_config

    cfg = load_config(TESTS.parent / "config.toml", environ={})
    cfg.database.url = f"sqlite:///{where / (store_id + '.db')}"
    cfg.store.id = store_id
    cfg.sync.central_url, cfg.sync.token = SIM_CENTRAL, token
    cfg.sync.interval_seconds, cfg.sync.timeout_seconds, cfg.sync.batch_size = 0.2, 5.0, rng.choice([3, 10, 50])
    return cfg


def central_config(url: str) -> Any:
    from central.config import CentralConfig

    cfg = CentralConfig()
    cfg.database.url = url
    cfg.server.secret_key = "sim-secret-" + "0123456789abcdef" * 2  # the servers refuse short keys
    cfg.loyalty.offline_allowance_points = ALLOWANCE
    return cfg


def _store_template(where: Path) -> bytes:
    from sqlalchemy import update
    from werkzeug.security import generate_password_hash

    from pos import bootstrap
    from pos.adapters.migrate import upgrade
    from pos.adapters.tables import Staff
    from pos.services import setup
    from pos.services.setup import STAFF

    cfg = store_config(where, "TEMPLATE", "", random.Random(0))
    upgrade(cfg.database.url)
    ctx = bootstrap.store_context(cfg, steps=())
    setup.load_demo_data(ctx)
    with ctx.db.unit_of_work() as s:
        for st in STAFF:
            s.execute(
                update(Staff)
                .where(Staff.code == st.code)
                .values(pin_hash=generate_password_hash(st.pin, method="pbkdf2:sha256:1"))
            )
    ctx.db.dispose()
    return (where / "TEMPLATE.db").read_bytes()


def _central_template(where: Path) -> dict[str, Any]:
    from synckit_store import CATALOG

    from central.db import central_database
    from central.migrate import upgrade
    from central.services import demo, loyalty, stores
    from central.services.context import CentralContext
    from common import member_qr

    files = central_files(where)
    url = files.new_template()
    upgrade(url)
    cfg = central_config(url)
    cfg.loyalty.signing_key = member_qr.new_private_key()
    ctx = CentralContext(db=central_database(url), config=cfg, clock=lambda: START)
    demo.load(ctx, products_limit=CATALOG)
    tokens = {sid: stores.add_store(ctx, sid, f"Omnitoko {sid}") for sid in STORES}
    members = []
    for i in range(MEMBERS):
        m = loyalty.sign_up(ctx, f"Member {i}", f"0812900000{i:02d}")
        if i % 2 == 0:
            loyalty.adjust(ctx, m["id"], 60, "welcome points")
        members.append({"id": m["id"], "phone": m["phone"]})
    ctx.db.dispose()
    return {
        "db": files.template_content(),
        "tokens": tokens,
        "members": members,
        "signing_key": cfg.loyalty.signing_key,
    }


def _synced_stores(where: Path) -> dict[str, bytes]:
    """Each store's database once its agent has pulled the catalog, stock, members and rules from central
    (a history starts from there; the first pull of a whole catalog is the same in every history)."""
    from sqlalchemy import update

    from common.db import Database
    from pos.adapters.tables import SyncStatus
    from sync_agent.agent import Agent

    clock = SimClock()
    central = Central(where, clock)
    net = SimNetwork(central.app, random.Random(0), Tally())
    made: dict[str, bytes] = {}
    with routed(net):
        for sid in STORES:
            cfg = store_config(where, sid, central.tokens[sid], random.Random(0))
            (where / f"{sid}.db").write_bytes(template("store"))
            agent = Agent(cfg, db=Database(cfg.database.url), clock=lambda: clock.now, say=lambda _t: None)
            for _ in range(10):
                if agent.round().ok:
                    break
            agent.close()
            db = Database(cfg.database.url)
            with db.unit_of_work() as s:  # the lease goes with the template's agent
                s.execute(update(SyncStatus).values(lease_owner=None, lease_until=None))
            db.dispose()
            made[sid] = (where / f"{sid}.db").read_bytes()
    central.close()
    return made


def template(name: str) -> Any:
    key = name if name == "store" else f"{name}:{central_db.backend()}"
    if key not in _TEMPLATES:
        where = Path(tempfile.mkdtemp(prefix=f"omnitoko-sim-{name}-"))
        make = {"store": _store_template, "central": _central_template, "synced": _synced_stores}[name]
        try:
            _TEMPLATES[key] = make(where)
        finally:
            shutil.rmtree(where, ignore_errors=True)
    return _TEMPLATES[key]


class SqliteCentral:
    """Central as one SQLite file in the history's folder, its backup a consistent copy beside it."""

    def __init__(self, where: Path) -> None:
        self.path, self.saved = where / "central.db", where / "central-backup.db"
        self.url = f"sqlite:///{self.path}"

    def new_template(self) -> str:
        return self.url

    def template_content(self) -> bytes:
        return self.path.read_bytes()

    def lay_out(self, content: bytes) -> None:
        lay_out(self.path, content)

    def backup(self) -> None:
        _copy_sqlite(self.path, self.saved)

    def restore(self) -> None:
        _copy_sqlite(self.saved, self.path)


def central_files(where: Path) -> Any:
    """The chosen backend's home for central's database (one PostgreSQL set per process)."""
    if central_db.backend() == "sqlite":
        return SqliteCentral(where)
    if "pg" not in _TEMPLATES:
        _TEMPLATES["pg"] = central_db.PgCentral(_dispose)
    return _TEMPLATES["pg"]


def _dispose(url: str) -> None:
    db = _DBS.get(url)
    if db is not None:
        db.dispose()


class Central:
    """The central store of one history: its context, app, database file and the backup taken of it."""

    def __init__(self, where: Path, clock: SimClock) -> None:
        from central.services.context import CentralContext

        made = template("central")
        self.files = central_files(where)
        self.files.lay_out(made["db"])
        self.tokens, self.members = made["tokens"], made["members"]
        cfg = central_config(self.files.url)
        cfg.loyalty.signing_key = made["signing_key"]
        self.ctx = CentralContext(db=database(cfg.database.url, central=True), config=cfg, clock=lambda: clock.now)
        self.app = central_app(cfg, self.ctx)
        self.backed_up_at: datetime | None = None

    def take_backup(self, now: datetime) -> None:
        self.ctx.db.dispose()
        self.files.backup()
        self.backed_up_at = now

    def restore_backup(self) -> None:
        """What an operator does after losing the database: put the last backup back, start a new epoch."""
        from central.services import stores

        self.ctx.db.dispose()
        self.files.restore()
        stores.new_epoch(self.ctx)

    def close(self) -> None:
        self.ctx.db.dispose()


def database(url: str, central: bool = False) -> Any:
    """One engine per database file for the whole process: a history lays its files out again under the same
    names, and SQLAlchemy's compiled statements (cached per engine) then serve every history."""
    from central.db import central_database
    from common.db import Database

    if url not in _DBS:
        _DBS[url] = central_database(url) if central else Database(url)
    return _DBS[url]


def central_app(cfg: Any, ctx: Any) -> Any:
    """The central app, made once per process; each history puts its own context in."""
    from central.web.app import create_central_app

    if "app" not in _TEMPLATES:
        _TEMPLATES["app"] = create_central_app(cfg, db=ctx.db)
    app = _TEMPLATES["app"]
    app.extensions["omnitoko_central"] = ctx
    return app


def lay_out(path: Path, content: bytes) -> None:
    """A database file with this content, its engine's connections closed first (none may see the switch)."""
    db = _DBS.get(f"sqlite:///{path}")
    if db is not None:
        db.dispose()
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.write_bytes(content)


def _copy_sqlite(src: Path, dst: Path) -> None:
    """A consistent copy with SQLite's online backup (the WAL's committed pages included)."""
    a, b = sqlite3.connect(src), sqlite3.connect(dst)
    try:
        a.backup(b)
    finally:
        a.close()
        b.close()


def open_store(
    where: Path, store_id: str, central: Central, net: SimNetwork, clock: SimClock, rng: random.Random, rate: float
) -> Store:
    from pos import bootstrap
    from pos.services import auth, shifts

    token = central.tokens[store_id]
    cfg = store_config(where, store_id, token, rng)
    lay_out(where / f"{store_id}.db", template("synced")[store_id])
    skew = timedelta(seconds=rng.randint(-900, 900))  # a till's clock a quarter of an hour off, either way
    # As the store server does, less the receipts: member sales book points, online carts are checked out.
    ctx = bootstrap.store_context(
        cfg, database(cfg.database.url), clock=clock.skewed(skew), steps=("points", "online_cart")
    )
    store = Store(store_id, ctx, net.connect(token, store_id, rate), skew)
    store.cashier = auth.sign_in(ctx, "1001", "1234", "T1")[1]
    store.manager = auth.sign_in(ctx, "9001", "4321", "T1")[1]
    shifts.open_shift(ctx, store.cashier, 200_000)
    return store
