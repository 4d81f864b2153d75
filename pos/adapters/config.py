"""The one config file (TOML), checked on load; OMNITOKO_<TABLE>__<KEY> variables override keys."""

from __future__ import annotations

import json
import os
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from common.config_reader import ENV_PREFIX, read_config, read_secret_key, resolve_database_url
from common.ops_tables import LoggingTable, MetricsTable
from common.scale_labels import LabelLayout

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
    timezone: str = "Asia/Jakarta"  # IANA name; reports group sales by local day and hour; sales carry it

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        """Refused when the config is read, not at the till: every sale event names it (sale.completed v2)."""
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"{value!r} is not a known time zone: an IANA name such as Asia/Jakarta, Asia/Makassar or Asia/Jayapura"
            ) from None
        return value


class CurrencyTable(_Table):
    code: str = "IDR"
    minor_units: int = Field(0, ge=0, le=3)
    symbol: str = "Rp"
    thousands: str = "."
    decimal: str = ","
    cash_rounding: int = Field(0, ge=0)
    # The largest banknote (Rp 100.000): cash that would give this much change or more is a typing or scanning
    # slip (a barcode read into the amount), refused before the drawer opens; 0 = no check.
    largest_note: int = Field(100_000, ge=0)


class DatabaseTable(_Table):
    url: str = "sqlite:///var/store.db"


class ServerTable(_Table):
    host: str = "127.0.0.1"
    port: int = Field(5000, ge=1, le=65535)
    # gunicorn's one worker: each open Socket.IO connection holds a thread (4 a till with its display), plus spares
    threads: int = Field(64, ge=4, le=1000)
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
    pairing_minutes: int = Field(10, ge=1, le=1440)  # a manager's kiosk pairing code works once, this long
    prints_per_minute: int = Field(6, ge=1, le=10_000)  # ticket slips one paired kiosk may print a minute
    carts_per_minute: int = Field(10, ge=1, le=10_000)  # carts one kiosk may send, open or start a minute


class PrinterTable(_Table):
    """The receipt printer and what goes on the receipt; checked against python-escpos's bundled profiles."""

    kind: PrinterKindName = "none"  # type: ignore[valid-type]  # a Literal built from the registry
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
            raise ValueError(
                f"printer.codepage {self.codepage!r} is not a code page of profile {self.profile!r}; "
                f"use one of: {', '.join(sorted(pages))}"
            )
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


class QrisConfigTable(_Table):
    """Dynamic QRIS at the till (issue 17): charges made by the central store's payment gateway."""

    central_timeout_seconds: float = Field(12.0, gt=0, le=60)  # central asks the gateway in turn: give it time
    poll_seconds: float = Field(2.0, ge=0.5, le=30)  # how often the till asks whether the shopper has paid


class BackupTable(_Table):
    """Online backups of the store database (issue 19): SQLite's backup API, a checksum, retention."""

    dir: str = ""  # a second disk, USB stick or network share; relative to the config file; empty = no schedule
    interval_minutes: int = Field(15, ge=1, le=7 * 24 * 60)  # the store server takes one at start, then this often
    keep: int = Field(96, ge=1, le=100_000)  # the newest this many copies stay; older ones are removed


class LabelsTable(_Table):
    """EAN-13 variable-measure labels from the store's scales (common.scale_labels): which prefixes carry a weight
    in grams and which a price in Rupiah, and how the 13 digits are split."""

    weight_prefixes: list[str] = Field(default_factory=lambda: ["20", "21", "22", "23", "24"])
    price_prefixes: list[str] = Field(default_factory=lambda: ["25", "26", "27", "28", "29"])
    item_digits: int = Field(5, ge=1, le=6)
    value_digits: int = Field(5, ge=4, le=6)
    price_check: bool = False  # a check digit before the value (some scales print one)

    @model_validator(mode="after")
    def _fits(self) -> LabelsTable:
        self.layout()  # a layout that does not add up to 13 digits is refused when the config is read
        return self

    def layout(self) -> LabelLayout:
        return _layout(
            tuple(self.weight_prefixes),
            tuple(self.price_prefixes),
            self.item_digits,
            self.value_digits,
            self.price_check,
        )


@cache
def _layout(weight: tuple[str, ...], price: tuple[str, ...], item: int, value: int, check: bool) -> LabelLayout:
    return LabelLayout(weight, price, item, value, check)


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
    qris: QrisConfigTable = Field(default_factory=QrisConfigTable)
    backup: BackupTable = Field(default_factory=BackupTable)
    labels: LabelsTable = Field(default_factory=LabelsTable)
    metrics: MetricsTable = Field(default_factory=MetricsTable)
    logging: LoggingTable = Field(default_factory=LoggingTable)


def load_config(path: str | os.PathLike[str] | None = None, environ: dict[str, str] | None = None) -> StoreConfig:
    """Read the file (or OMNITOKO_CONFIG), apply env overrides, validate; relative sqlite paths are beside the file."""
    environ = dict(os.environ if environ is None else environ)
    cfg, base = read_config(
        StoreConfig, path or environ.get("OMNITOKO_CONFIG"), environ, env_prefix=ENV_PREFIX, label="config"
    )
    resolve_database_url(cfg.database, base)
    read_secret_key(cfg.server, base)
    if cfg.printer.file_path and not Path(cfg.printer.file_path).is_absolute():
        target = (base / cfg.printer.file_path).resolve()
        target.parent.mkdir(parents=True, exist_ok=True)
        cfg.printer.file_path = str(target)
    if cfg.backup.dir and not Path(cfg.backup.dir).is_absolute():
        cfg.backup.dir = str((base / cfg.backup.dir).resolve())
    return cfg
