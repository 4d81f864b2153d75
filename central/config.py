"""The central store's config file (TOML), checked on load; OMNITOKO_CENTRAL_<TABLE>__<KEY> variables override."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from common.config_reader import CENTRAL_ENV_PREFIX, read_config, read_secret_key, resolve_database_url
from common.ops_tables import LoggingTable, MetricsTable


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CentralTable(_Table):
    name: str = "Omnitoko Pusat"


class DatabaseTable(_Table):
    url: str = "sqlite:///var/central.db"
    # PostgreSQL connections per web worker process: at most pool_size + max_overflow, each opened when first
    # needed and then kept (closing one after a peak only to open it again at the next cost more CPU than pulls).
    # The server's total is workers x (pool_size + max_overflow) + 2 (the housekeeping worker); keep it under
    # PostgreSQL's max_connections (100 by default) with room for psql and backups.
    pool_size: int = Field(8, ge=1, le=200)
    max_overflow: int = Field(4, ge=0, le=200)
    # Time limits of the web workers' PostgreSQL sessions (not the CLI's, the migrations' or the housekeeping
    # worker's), in milliseconds, 0 = none. A request whose statement runs longer, or that waits longer for a lock
    # another session holds, is answered 503 with Retry-After (nothing changed: the agent sends it again) instead of
    # holding its thread and its connection until the database lets go; a session left inside a transaction that
    # long is closed by PostgreSQL, which frees its locks.
    statement_timeout_ms: int = Field(30_000, ge=0, le=3_600_000)
    lock_timeout_ms: int = Field(10_000, ge=0, le=3_600_000)
    idle_in_transaction_timeout_ms: int = Field(60_000, ge=0, le=3_600_000)


class ServerTable(_Table):
    host: str = "127.0.0.1"
    port: int = Field(5100, ge=1, le=65535)
    secret_key: str = ""  # empty = read secret_key_file (`omnitoko central init` makes it)
    secret_key_file: str = "var/central-secret.key"  # relative to the config file
    # The production HTTP server of `central serve` (--server overrides): granian (HTTP in native code: about half
    # of gunicorn's CPU per idle pull) or gunicorn's threaded worker (what it ran before; kept as a fallback).
    engine: Literal["granian", "gunicorn"] = "granian"
    workers: int = Field(2, ge=1, le=64)  # worker processes (`central serve`; --workers overrides)
    # Threads per worker: about the stores that call at once divided by the workers, so that a pull never waits in
    # the server's queue behind pushes (a push waiting for its slot holds a thread but no CPU and no connection).
    threads: int = Field(64, ge=1, le=512)
    # Pushes applied at once per worker; the others wait their turn (no CPU, no connection) while the remaining
    # threads serve pulls and the rest. About the worker's share of CPU cores: more only queue on the CPU.
    push_slots: int = Field(3, ge=1, le=256)
    public_url: str = ""
    max_body_bytes: int = Field(2 * 2**20, ge=1024, le=256 * 2**20)  # 413 above this; the push has [sync] max_body_mb
    trust_proxy: bool = False  # behind one reverse proxy: believe its X-Forwarded-For/-Proto (address, HTTPS)


class SyncTable(_Table):
    max_batch_events: int = Field(500, ge=1, le=10_000)
    max_body_mb: int = Field(8, ge=1, le=256)
    pull_page_max: int = Field(1000, ge=10, le=10_000)
    # A store's feed carries the stock figures of this many other stores of its region (by store id) unless the
    # admin set its neighbours; the rest are asked for on demand. 0 = no other store's figures.
    neighbours: int = Field(5, ge=0, le=100)
    # A store whose clock is off by more than this (its report vs central's receive time) is flagged on the admin
    # page and in /metrics; central orders and stamps by its own clock, store times are display only.
    clock_skew_warn_seconds: int = Field(120, ge=1, le=7 * 24 * 3600)


class AdminTable(_Table):
    username: str = Field("admin", min_length=1, max_length=64)
    initial_password: str = ""  # used once by `central init` to create the admin; change it in the admin page


class SecurityTable(_Table):
    """Admin sign-in and sessions (issue 15)."""

    session_hours: int = Field(12, ge=1, le=24 * 30)  # an admin session ends this long after sign-in
    idle_minutes: int = Field(30, ge=1, le=24 * 60)  # ... or after this long unused
    free_attempts: int = Field(3, ge=1, le=100)  # the wrong password in a row (one admin) that starts the delays
    lock_after: int = Field(10, ge=2, le=1000)  # wrong passwords in a row that lock the admin (another admin lifts it)
    lock_minutes: int = Field(15, ge=1, le=24 * 60)  # the first lock; each further failure doubles it
    address_attempts: int = Field(10, ge=1, le=1000)  # the failed sign-in in a row from one address that starts delays


class LoyaltyTable(_Table):
    """Points and member cards (issue 5); stores get the rules and the public key through the pull feed."""

    shop_id: str = Field("omnitoko", pattern=r"^[A-Za-z0-9_-]{1,32}$")  # signed into every member QR
    signing_key: str = ""  # Ed25519 private key, base64url of 32 bytes; empty = read or make signing_key_file
    signing_key_file: str = "var/loyalty-signing.key"  # relative to the config file; made on first use
    earn_per_amount: int = Field(10_000, ge=1, le=10**9)  # 1 point per this much paid after discounts
    point_value: int = Field(100, ge=1, le=10**9)  # 1 point pays this much at the till
    hold_minutes: int = Field(15, ge=1, le=24 * 60)  # an unposted hold is released after this (central clock)
    captured_hold_days: int = Field(30, ge=1, le=365)  # a hold whose sale completed waits this long for its event
    card_days: int = Field(365, ge=1, le=3650)  # how long a member QR is valid
    spend_code_minutes: int = Field(5, ge=1, le=60)  # a one-time code from the member's account page lives this long
    # granted to a store when a member is linked to it (signed up or shopped there); 0 = none
    offline_allowance_points: int = Field(0, ge=0, le=10**7)
    offline_allowance_days: int = Field(30, ge=1, le=3650)
    expire_after_days: int = Field(365, ge=0, le=36500)  # earned points unused this long expire; 0 = never
    expire_every_minutes: int = Field(60, ge=0, le=7 * 24 * 60)  # `central serve` runs expiry this often; 0 = off


class ShopTable(_Table):
    """The online shop and its carts (issue 6): how long carts, store claims and click-and-collect holds last."""

    name: str = "Omnitoko"  # the shop's name on its pages
    timezone: str = "Asia/Jakarta"  # the time shown as "paid in store at 14:05"
    cart_days: int = Field(14, ge=1, le=365)  # a cart nobody touched for this long can no longer be opened
    claim_minutes: int = Field(15, ge=1, le=24 * 60)  # a store's claim (lease) lapses after this, central clock
    reserve_minutes: int = Field(120, ge=5, le=14 * 24 * 60)  # click-and-collect stock is held this long
    page_size: int = Field(24, ge=4, le=120)  # products per shop page
    # Fulfilment by stores (issue 17): the delivery fee (integer Rupiah, added to the order and the gateway amount),
    # the store that delivers ("" = the first store, by code, with every line of the order in stock), and how
    # long a paid order's stock stays held at its store waiting for pickup or the courier.
    delivery_fee: int = Field(15_000, ge=0, le=10_000_000)
    delivery_store: str = Field("", max_length=32)
    fulfil_days: int = Field(7, ge=1, le=60)


class PaymentsTable(_Table):
    """Online payments through a gateway (issue 17): Midtrans, or the stand-in shipped for the demo and tests.

    The server key stays at the central store: never in a page, a log, a store's feed or this file in git
    (leave it empty and it is read from server_key_file, which `central init` makes for the stand-in)."""

    gateway: Literal["standin", "midtrans"] = "standin"
    server_key: str = Field("", repr=False)
    server_key_file: str = "var/gateway-server.key"  # relative to the config file
    is_production: bool = False  # Midtrans: production URLs instead of the sandbox's
    base_url: str = ""  # empty: Midtrans' own URLs, or the stand-in at standin_host:standin_port
    standin_host: str = "127.0.0.1"
    standin_port: int = Field(5200, ge=1, le=65535)
    notify_url: str = ""  # where the stand-in posts notifications; empty: this central store's own URL
    expiry_minutes: int = Field(30, ge=1, le=24 * 60)  # an unpaid gateway page lapses; the held stock comes back
    timeout_seconds: float = Field(10, gt=0, le=120)  # every call to the gateway
    till_expiry_minutes: int = Field(5, ge=1, le=60)  # a dynamic QRIS shown at a till lapses; the tender is free again
    notify_per_minute: int = Field(300, ge=1, le=100_000)  # notifications one address may send a minute; then 429


class DiscountsTable(_Table):
    """The chain's rule for a cashier's own discounts, which central checks each store's sales against
    (central/services/manual_discount_checks.py)."""

    # The most a cashier's own discounts may take off a sale without a manager's approval, in percent: no store's
    # [security] discount_limit_percent should be above it (a sale beyond it with no approver raises a task).
    cashier_limit_percent: int = Field(10, ge=0, le=100)


class CentralConfig(_Table):
    central: CentralTable = Field(default_factory=CentralTable)
    database: DatabaseTable = Field(default_factory=DatabaseTable)
    server: ServerTable = Field(default_factory=ServerTable)
    sync: SyncTable = Field(default_factory=SyncTable)
    admin: AdminTable = Field(default_factory=AdminTable)
    security: SecurityTable = Field(default_factory=SecurityTable)
    loyalty: LoyaltyTable = Field(default_factory=LoyaltyTable)
    shop: ShopTable = Field(default_factory=ShopTable)
    payments: PaymentsTable = Field(default_factory=PaymentsTable)
    discounts: DiscountsTable = Field(default_factory=DiscountsTable)
    metrics: MetricsTable = Field(default_factory=MetricsTable)
    logging: LoggingTable = Field(default_factory=LoggingTable)


def load_central_config(
    path: str | os.PathLike[str] | None = None, environ: dict[str, str] | None = None
) -> CentralConfig:
    """Read the file (or OMNITOKO_CENTRAL_CONFIG), apply OMNITOKO_CENTRAL_<TABLE>__<KEY> overrides, validate."""
    environ = dict(os.environ if environ is None else environ)
    cfg, base = read_config(
        CentralConfig,
        path or environ.get("OMNITOKO_CENTRAL_CONFIG"),
        environ,
        env_prefix=CENTRAL_ENV_PREFIX,
        label="central config",
    )
    resolve_database_url(cfg.database, base)
    read_secret_key(cfg.server, base)
    if cfg.loyalty.signing_key_file and not Path(cfg.loyalty.signing_key_file).is_absolute():
        cfg.loyalty.signing_key_file = str((base / cfg.loyalty.signing_key_file).resolve())
    _read_gateway_key(cfg.payments, base)
    return cfg


def _read_gateway_key(payments: PaymentsTable, base: Path) -> None:
    if payments.server_key_file and not Path(payments.server_key_file).is_absolute():
        payments.server_key_file = str((base / payments.server_key_file).resolve())
    path = Path(payments.server_key_file) if payments.server_key_file else None
    if not payments.server_key and path is not None and path.is_file():
        payments.server_key = path.read_text(encoding="utf-8").strip()


def ensure_gateway_key(payments: PaymentsTable) -> Path | None:
    """The stand-in needs a shared key: make one in server_key_file (owner-only) unless a key is set."""
    if payments.server_key or payments.gateway != "standin" or not payments.server_key_file:
        return None
    path = Path(payments.server_key_file)
    path.parent.mkdir(parents=True, exist_ok=True)
    key = "SB-Mid-server-" + secrets.token_urlsafe(24)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(key + "\n")
    payments.server_key = key
    return path
