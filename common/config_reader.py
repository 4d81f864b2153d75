"""Reading a server's TOML config with environment overrides, and its secret key: shared by both servers."""

from __future__ import annotations

import os
import secrets
import tomllib
from pathlib import Path
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel, ValidationError


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
        table, _, key = name[len(prefix) :].lower().partition("__")
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


def read_config(
    model: type[M], path: str | os.PathLike[str] | None, environ: dict[str, str], *, env_prefix: str, label: str
) -> tuple[M, Path]:
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
    return cfg, base


class _UrlHolder(Protocol):
    url: str


def resolve_database_url(database: _UrlHolder, base: Path) -> None:
    """A relative SQLite path in [database] url is beside the config file, wherever the server was started."""
    database.url = resolve_sqlite_url(database.url, base)


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
        target = (base / url[len(prefix) :]).resolve()
        target.parent.mkdir(parents=True, exist_ok=True)
        return prefix + str(target)
    return url
