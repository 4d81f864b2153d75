"""The one config file (TOML), checked on load; OMNITOKO_<TABLE>__<KEY> variables override keys."""
from __future__ import annotations

import json
import os
import secrets
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any, Literal, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .printer_kinds import PRINTER_KINDS

# Read from the registry, so a new kind is one entry there; a Literal keeps pydantic's message naming them.
PrinterKindName = Literal[tuple(PRINTER_KINDS)]  # type: ignore[valid-type]  # built from the registry at import


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StoreTable(_Table):
    id: str = "TOKO-01"
    name: str = "Omnitoko"
    address: str = ""
    npwp: str = ""
    default_till: str = "T1"
    tills: list[str] = Field(default_factory=lambda: ["T1"])
    timezone: str = "Asia/Jakarta"  # IANA name; reports group sales by local day and hour


class CurrencyTable(_Table):
    code: str = "IDR"
    minor_units: int = Field(0, ge=0, le=3)
    symbol: str = "Rp"
    thousands: str = "."
    decimal: str = ","
    cash_rounding: int = Field(0, ge=0)


class DatabaseTable(_Table):
    url: str = "sqlite:///var/store.db"


class ServerTable(_Table):
    host: str = "127.0.0.1"
    port: int = Field(5000, ge=1, le=65535)
    secret_key: str = ""  # empty = read secret_key_file (`omnitoko store init` makes it)
    secret_key_file: str = "var/store-secret.key"  # relative to the config file
    public_url: str = ""
    max_body_bytes: int = Field(2 * 2**20, ge=1024, le=256 * 2**20)  # a larger request body is refused (413)
    trust_proxy: bool = False  # behind one reverse proxy: believe its X-Forwarded-For/-Proto (address, HTTPS)


class SecurityTable(_Table):
    pin_attempts: int = Field(5, ge=1)
    lock_minutes: int = Field(5, ge=1)
    discount_limit_percent: int = Field(10, ge=0, le=100)
    token_hours: int = Field(12, ge=1)
    idle_minutes: int = Field(30, ge=1, le=24 * 60)  # a till or manager session unused this long ends
    address_attempts: int = Field(10, ge=1)  # the failed manager sign-in in a row from one address that starts delays


class I18nTable(_Table):
    default_locale: str = Field("id", pattern="^(id|en)$")


class KioskTable(_Table):
    idle_seconds: int = Field(60, ge=5, le=3600)  # no touch for this long -> the countdown starts
    countdown_seconds: int = Field(10, ge=1, le=120)  # then back to the welcome screen, cart dropped
    ticket_minutes: int = Field(120, ge=1, le=1440)  # a "send to till" ticket expires after this


class PrinterTable(_Table):
    """The receipt printer and what goes on the receipt; checked against python-escpos's bundled profiles."""

    kind: PrinterKindName = "none"
    host: str = ""
    port: int = Field(9100, ge=1, le=65535)
    timeout: float = Field(5.0, gt=0, le=120)  # seconds for connect, send and each status answer
    usb_vendor: int = Field(0, ge=0, le=0xFFFF)
    usb_product: int = Field(0, ge=0, le=0xFFFF)
    serial_device: str = ""
    baudrate: Literal[1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200] = 9600
    file_path: str = ""
    profile: str = "TM-T20II"
    codepage: str = "CP437"  # "" = let python-escpos pick a code page per character
    columns: Literal[32, 42, 48] = 48
    drawer_kick: bool = True  # kick the cash drawer on sales and refunds with a cash tender
    drawer_pin: Literal[2, 5] = 2
    footer: str = "Terima kasih / Thank you"
    qr: bool = True  # QR code of the digital receipt
    status_query: bool = True  # ask network/serial printers DLE EOT status before each job
    retry_initial: float = Field(2.0, gt=0, le=3600)  # seconds before the first retry; doubles up to retry_max
    retry_max: float = Field(60.0, gt=0, le=3600)

    @field_validator("profile")
    @classmethod
    def _known_profile(cls, value: str) -> str:
        names = escpos_profiles()
        if value not in names:
            raise ValueError(f"unknown python-escpos profile {value!r}; use one of: {', '.join(sorted(names))}")
        return value

    @model_validator(mode="after")
    def _complete(self) -> PrinterTable:
        for key in PRINTER_KINDS[self.kind].needs:
            if not getattr(self, key):
                raise ValueError(f"printer.{key} is required when printer.kind = {self.kind!r}")
        pages = escpos_profiles()[self.profile]
        if self.codepage and self.codepage not in pages:
            raise ValueError(f"printer.codepage {self.codepage!r} is not a code page of profile {self.profile!r}; "
                             f"use one of: {', '.join(sorted(pages))}")
        return self


def escpos_profiles() -> dict[str, set[str]]:
    """Bundled python-escpos profile names and their code pages, read from its data file (escpos itself
    is not imported: its import configures logging and makes a temp dir)."""
    if not _PROFILES:
        data = json.loads((resources.files("escpos") / "capabilities.json").read_text(encoding="utf-8"))
        for name, prof in data["profiles"].items():
            _PROFILES[name] = set(prof.get("codePages", {}).values()) - {"Unknown"}
    return _PROFILES


_PROFILES: dict[str, set[str]] = {}


class SyncConfigTable(_Table):
    """The sync agent (`omnitoko sync run`): where the central store is and how it talks to it."""

    central_url: str = ""  # empty = this store does not sync
    token: str = ""  # the store's token from `omnitoko central add-store`
    interval_seconds: float = Field(5.0, gt=0, le=3600)  # pull (and push) at least this often
    batch_size: int = Field(200, ge=1, le=10_000)  # events per push; central refuses more than its limit
    timeout_seconds: float = Field(10.0, gt=0, le=600)  # every HTTP call gives up after this
    device_id: str = Field("", max_length=32)  # the agent's device id in pushes; empty = "<store id>-SYNC"


class LoyaltyConfigTable(_Table):
    """Member points at the till (issue 5). The central store's rules and card key, once pulled, win over
    earn_per_amount, point_value, shop_id and an empty public_key here."""

    shop_id: str = Field("omnitoko", pattern=r"^[A-Za-z0-9_-]{1,32}$")  # member QRs of other shops are refused
    public_key: str = ""  # Ed25519 public key (base64url) that verifies member QRs; empty = the one central sends
    earn_per_amount: int = Field(10_000, ge=1, le=10**9)  # 1 point per this much paid after discounts
    point_value: int = Field(100, ge=1, le=10**9)  # 1 point pays this much
    central_timeout_seconds: float = Field(2.0, gt=0, le=30)  # a hold or lookup gives up after this


class OnlineCartsConfigTable(_Table):
    """Online carts opened at the kiosk or till (issue 6); the QR's shop id is loyalty.shop_id."""

    central_timeout_seconds: float = Field(2.0, gt=0, le=30)  # a claim or checkout waits this long for central


class StoreConfig(_Table):
    store: StoreTable = Field(default_factory=StoreTable)
    currency: CurrencyTable = Field(default_factory=CurrencyTable)
    database: DatabaseTable = Field(default_factory=DatabaseTable)
    server: ServerTable = Field(default_factory=ServerTable)
    security: SecurityTable = Field(default_factory=SecurityTable)
    i18n: I18nTable = Field(default_factory=I18nTable)
    printer: PrinterTable = Field(default_factory=PrinterTable)
    kiosk: KioskTable = Field(default_factory=KioskTable)
    sync: SyncConfigTable = Field(default_factory=SyncConfigTable)
    loyalty: LoyaltyConfigTable = Field(default_factory=LoyaltyConfigTable)
    online_carts: OnlineCartsConfigTable = Field(default_factory=OnlineCartsConfigTable)


class ConfigError(Exception):
    """The config file or an override is wrong; the message names the key."""


ENV_PREFIX = "OMNITOKO_"
# The central store reads OMNITOKO_CENTRAL_<TABLE>__<KEY>, so one shell (the demo) can set both apart.
CENTRAL_ENV_PREFIX = "OMNITOKO_CENTRAL_"
M = TypeVar("M", bound=BaseModel)


def _env_overrides(environ: dict[str, str], prefix: str) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for name, raw in environ.items():
        if not name.startswith(prefix) or "__" not in name:
            continue
        if prefix == ENV_PREFIX and name.startswith(CENTRAL_ENV_PREFIX):
            continue
        table, _, key = name[len(prefix):].lower().partition("__")
        try:
            value = tomllib.loads(f"v = {raw}")["v"]
        except tomllib.TOMLDecodeError:
            value = raw
        out.setdefault(table, {})[key] = value
    return out


def _describe(err: ValidationError) -> str:
    parts = []
    for e in err.errors():
        key = ".".join(str(p) for p in e["loc"])
        parts.append(f"[{key}] {e['msg']}")
    return "; ".join(parts)


def read_config(model: type[M], path: str | os.PathLike[str] | None, environ: dict[str, str], *,
                env_prefix: str, label: str) -> tuple[M, Path]:
    """A TOML file plus <prefix><TABLE>__<KEY> overrides, validated; returns it and the folder paths are relative to."""
    data: dict[str, Any] = {}
    base = Path.cwd()
    if path:
        p = Path(path)
        if not p.is_file():
            raise ConfigError(f"{label} file {p} not found")
        try:
            data = tomllib.loads(p.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as e:
            raise ConfigError(f"{p}: {e}") from e
        base = p.resolve().parent
    for table, values in _env_overrides(environ, env_prefix).items():
        data.setdefault(table, {}).update(values)
    try:
        cfg = model.model_validate(data)
    except ValidationError as e:
        raise ConfigError(f"{label}: {_describe(e)}") from e
    cfg.database.url = resolve_sqlite_url(cfg.database.url, base)  # type: ignore[attr-defined]
    return cfg, base


def load_config(path: str | os.PathLike[str] | None = None, environ: dict[str, str] | None = None) -> StoreConfig:
    """Read the file (or OMNITOKO_CONFIG), apply env overrides, validate; relative sqlite paths are beside the file."""
    environ = dict(os.environ if environ is None else environ)
    cfg, base = read_config(StoreConfig, path or environ.get("OMNITOKO_CONFIG"), environ, env_prefix=ENV_PREFIX,
                            label="config")
    read_secret_key(cfg.server, base)
    if cfg.printer.file_path and not Path(cfg.printer.file_path).is_absolute():
        target = (base / cfg.printer.file_path).resolve()
        target.parent.mkdir(parents=True, exist_ok=True)
        cfg.printer.file_path = str(target)
    return cfg


class _SecretHolder(Protocol):
    secret_key: str
    secret_key_file: str


def read_secret_key(server: _SecretHolder, base: Path) -> None:
    """An empty secret_key is read from secret_key_file (made by `init`), so the key need not sit in the config."""
    if server.secret_key_file and not Path(server.secret_key_file).is_absolute():
        server.secret_key_file = str((base / server.secret_key_file).resolve())
    path = Path(server.secret_key_file) if server.secret_key_file else None
    if not server.secret_key and path is not None and path.is_file():
        server.secret_key = path.read_text(encoding="utf-8").strip()


def ensure_secret_key(server: _SecretHolder) -> Path | None:
    """Write a new random key to secret_key_file (owner-only) unless a key is already set; returns the file made."""
    if server.secret_key or not server.secret_key_file:
        return None
    path = Path(server.secret_key_file)
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(key + "\n")
    server.secret_key = key
    return path


def resolve_sqlite_url(url: str, base: Path) -> str:
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/") and ":memory:" not in url:
        target = (base / url[len(prefix):]).resolve()
        target.parent.mkdir(parents=True, exist_ok=True)
        return prefix + str(target)
    return url
