"""The one config file (TOML), checked on load; OMNITOKO_<TABLE>__<KEY> variables override keys."""
from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StoreTable(_Table):
    id: str = "TOKO-01"
    name: str = "Omnitoko"
    address: str = ""
    npwp: str = ""
    default_till: str = "T1"
    tills: list[str] = Field(default_factory=lambda: ["T1"])


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
    secret_key: str = "dev-only-change-me"
    public_url: str = ""


class SecurityTable(_Table):
    pin_attempts: int = Field(5, ge=1)
    lock_minutes: int = Field(5, ge=1)
    discount_limit_percent: int = Field(10, ge=0, le=100)
    token_hours: int = Field(12, ge=1)


class I18nTable(_Table):
    default_locale: str = Field("id", pattern="^(id|en)$")


class StoreConfig(_Table):
    store: StoreTable = Field(default_factory=StoreTable)
    currency: CurrencyTable = Field(default_factory=CurrencyTable)
    database: DatabaseTable = Field(default_factory=DatabaseTable)
    server: ServerTable = Field(default_factory=ServerTable)
    security: SecurityTable = Field(default_factory=SecurityTable)
    i18n: I18nTable = Field(default_factory=I18nTable)


class ConfigError(Exception):
    """The config file or an override is wrong; the message names the key."""


ENV_PREFIX = "OMNITOKO_"


def _env_overrides(environ: dict[str, str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for name, raw in environ.items():
        if not name.startswith(ENV_PREFIX) or "__" not in name:
            continue
        table, _, key = name[len(ENV_PREFIX):].lower().partition("__")
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


def load_config(path: str | os.PathLike[str] | None = None, environ: dict[str, str] | None = None) -> StoreConfig:
    """Read the file (or OMNITOKO_CONFIG), apply env overrides, validate; relative sqlite paths are beside the file."""
    environ = dict(os.environ if environ is None else environ)
    path = path or environ.get("OMNITOKO_CONFIG")
    data: dict[str, Any] = {}
    base = Path.cwd()
    if path:
        p = Path(path)
        if not p.is_file():
            raise ConfigError(f"config file {p} not found")
        try:
            data = tomllib.loads(p.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as e:
            raise ConfigError(f"{p}: {e}") from e
        base = p.resolve().parent
    for table, values in _env_overrides(environ).items():
        data.setdefault(table, {}).update(values)
    try:
        cfg = StoreConfig.model_validate(data)
    except ValidationError as e:
        raise ConfigError(f"config: {_describe(e)}") from e
    cfg.database.url = resolve_sqlite_url(cfg.database.url, base)
    return cfg


def resolve_sqlite_url(url: str, base: Path) -> str:
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/") and ":memory:" not in url:
        target = (base / url[len(prefix):]).resolve()
        target.parent.mkdir(parents=True, exist_ok=True)
        return prefix + str(target)
    return url
