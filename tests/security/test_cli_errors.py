"""Issue 15, point 9: every CLI failure is one line and a non-zero exit, never a traceback (real subprocess runs)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def omnitoko(where: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OMNITOKO_")}
    return subprocess.run(
        [sys.executable, "-m", "omnitoko.cli", *args],
        cwd=where,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def one_line_failure(run: subprocess.CompletedProcess[str], says: str) -> None:
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert run.returncode != 0, run.stdout + run.stderr
    assert "Traceback" not in run.stderr + run.stdout
    assert len(lines) == 1 and lines[0].startswith("omnitoko: ") and says in lines[0], run.stderr


@pytest.fixture
def central_toml(tmp_path: Path) -> Path:
    path = tmp_path / "central.toml"
    path.write_text('[database]\nurl = "sqlite:///central.db"\n', encoding="utf-8")
    assert omnitoko(tmp_path, "central", "init", "--config", str(path)).returncode == 0
    return path


def test_a_weak_admin_password_at_init_is_one_line_and_nothing_is_made(tmp_path: Path) -> None:
    config = tmp_path / "central.toml"
    config.write_text('[database]\nurl = "sqlite:///central.db"\n[admin]\ninitial_password = "rahasia"\n')
    one_line_failure(omnitoko(tmp_path, "central", "init", "--config", str(config)), "at least 12 characters")
    assert not (tmp_path / "central.db").exists()


def test_a_missing_config_file_is_one_line(tmp_path: Path) -> None:
    for cmd in (("store", "init"), ("central", "serve"), ("sync", "once")):
        one_line_failure(omnitoko(tmp_path, *cmd, "--config", "nirgends.toml"), "nirgends.toml not found")


def test_an_unreachable_database_is_one_line(tmp_path: Path) -> None:
    config = tmp_path / "central.toml"
    config.write_text('[database]\nurl = "postgresql+psycopg://postgres@127.0.0.1:9/test?connect_timeout=3"\n')
    one_line_failure(omnitoko(tmp_path, "central", "init", "--config", str(config)), "cannot reach the database")


def test_an_unknown_store_or_admin_is_one_line(tmp_path: Path, central_toml: Path) -> None:
    one_line_failure(
        omnitoko(tmp_path, "central", "rotate-store-token", "TOKO-99", "--config", str(central_toml)),
        "store TOKO-99 is not registered",
    )
    one_line_failure(
        omnitoko(tmp_path, "central", "disable-admin", "siapa", "--config", str(central_toml)),
        "there is no admin 'siapa'",
    )
    one_line_failure(
        omnitoko(
            tmp_path,
            "central",
            "set-admin-password",
            "admin",
            "--create",
            "--config",
            str(central_toml),
            stdin="pendek\n",
        ),
        "at least 12 characters",
    )


def test_bad_arguments_and_a_bad_pin_are_one_line(tmp_path: Path) -> None:
    one_line_failure(omnitoko(tmp_path, "store", "add-staff", "1003"), "required")
    one_line_failure(omnitoko(tmp_path, "central", "serve", "--port", "lima"), "invalid int value")
    config = tmp_path / "config.toml"
    config.write_text('[database]\nurl = "sqlite:///store.db"\n')
    assert omnitoko(tmp_path, "store", "init", "--config", str(config)).returncode == 0
    one_line_failure(
        omnitoko(tmp_path, "store", "add-staff", "1003", "Rina", "--pin", "12", "--config", str(config)),
        "a PIN is 4 to 8 digits",
    )
    one_line_failure(
        omnitoko(tmp_path, "store", "set-pin", "4040", "--pin", "1234", "--config", str(config)),
        "there is no staff code 4040",
    )


def test_the_servers_refuse_to_start_with_the_built_in_key_naming_the_setting(tmp_path: Path) -> None:
    store = tmp_path / "store.toml"
    store.write_text('[database]\nurl = "sqlite:///store.db"\n[server]\nsecret_key = "dev-only-change-me"\n')
    one_line_failure(omnitoko(tmp_path, "store", "serve", "--config", str(store)), "[server] secret_key")
    central = tmp_path / "central.toml"
    central.write_text('[database]\nurl = "sqlite:///central.db"\n')  # no key and no key file: never init'ed
    one_line_failure(omnitoko(tmp_path, "central", "serve", "--config", str(central)), "[server] secret_key")


def test_init_writes_an_owner_only_key_and_rotating_a_store_token_ends_the_old_one(
    tmp_path: Path, central_toml: Path
) -> None:
    key = tmp_path / "var" / "central-secret.key"
    assert key.is_file() and key.stat().st_mode & 0o077 == 0 and len(key.read_text().strip()) >= 32
    first = omnitoko(tmp_path, "central", "add-store", "TOKO-05", "--token-only", "--config", str(central_toml))
    second = omnitoko(
        tmp_path, "central", "rotate-store-token", "TOKO-05", "--token-only", "--config", str(central_toml)
    )
    assert first.returncode == 0 and second.returncode == 0

    from central.config import load_central_config
    from central.db import central_database
    from central.services import stores
    from central.services.context import CentralContext
    from common.errors import Unauthorized

    cfg = load_central_config(central_toml, environ={})
    ctx = CentralContext(db=central_database(cfg.database.url), config=cfg)
    assert stores.authenticate(ctx, second.stdout.strip()) == "TOKO-05"
    with pytest.raises(Unauthorized):
        stores.authenticate(ctx, first.stdout.strip())
    ctx.db.dispose()
