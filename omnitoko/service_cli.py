"""`omnitoko store install-service` and `omnitoko central install-service`: systemd units (issue 19).

Store PC: the store server (which also runs the print worker and the backups, as threads) and the sync agent.
Central: the web server (granian via `central serve --no-worker`) and the background worker (`central worker`).
Each unit restarts on failure, runs as a dedicated user, names the config file, and is hardened as far as the
program allows: no new privileges, the OS read-only (ProtectSystem=full) except the data folder (and backups).
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

from common.errors import DomainError

UNIT_DIR = "/etc/systemd/system"


@dataclass
class Unit:
    name: str
    description: str
    command: str
    after: str = "network-online.target"
    extra: str = ""


class NotRoot(DomainError):
    pass


def _program() -> str:
    """How to start omnitoko from this installation: this Python, the package's CLI module."""
    return f"{shlex.quote(sys.executable)} -m omnitoko.cli"


def render(unit: Unit, user: str, config: Path, data_dir: Path, writable: list[Path]) -> str:
    unique = list(dict.fromkeys(str(p) for p in [data_dir, *writable] if str(p)))
    paths = " ".join(shlex.quote(p) for p in unique)
    return f"""# Written by `omnitoko ... install-service`; edit the config file, not this unit.
[Unit]
Description={unit.description}
Wants=network-online.target
After={unit.after}
StartLimitIntervalSec=300
StartLimitBurst=10

[Service]
Type=simple
User={user}
Group={user}
WorkingDirectory={data_dir}
Environment=PYTHONUNBUFFERED=1
ExecStart={unit.command} --config {shlex.quote(str(config))}
Restart=on-failure
RestartSec=5
TimeoutStopSec=40
KillSignal=SIGTERM
{unit.extra}NoNewPrivileges=yes
ProtectSystem=full
ProtectHome=read-only
PrivateTmp=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectControlGroups=yes
RestrictSUIDSGID=yes
LockPersonality=yes
ReadWritePaths={paths}
UMask=0027

[Install]
WantedBy=multi-user.target
"""


def store_units() -> list[Unit]:
    program = _program()
    return [
        Unit(
            "omnitoko-store.service",
            "Omnitoko store server (gunicorn, one worker: till, kiosk, displays, print queue, backups)",
            f"{program} store serve",
            # The receipt printer: USB printers belong to group lp, serial ones to dialout.
            extra="SupplementaryGroups=lp dialout\n",
        ),
        Unit(
            "omnitoko-sync.service",
            "Omnitoko sync agent (pushes the store's events to the central store, pulls changes)",
            f"{program} sync run",
            after="network-online.target omnitoko-store.service",
        ),
    ]


def central_units() -> list[Unit]:
    program = _program()
    return [
        Unit(
            "omnitoko-central.service",
            "Omnitoko central store web (granian workers: sync API, admin, shop)",
            f"{program} central serve --no-worker",
            after="network-online.target postgresql.service",
            # `systemctl reload`: new workers are started, then the old ones finish what they are serving and stop.
            extra="ExecReload=/bin/kill -HUP $MAINPID\n",
        ),
        Unit(
            "omnitoko-central-worker.service",
            "Omnitoko central store background worker (holds, points expiry)",
            f"{program} central worker",
            after="network-online.target postgresql.service",
        ),
    ]


def _install(args: argparse.Namespace, units: list[Unit], writable: list[Path]) -> int:
    config = Path(args.config).resolve()
    data_dir = Path(args.data_dir).resolve()
    texts = {u.name: render(u, args.user, config, data_dir, writable) for u in units}
    if args.print:
        for name, text in texts.items():
            print(f"# --- {name} ---\n{text}")
        return 0
    if os.geteuid() != 0:
        raise NotRoot("not_root", "installing systemd units needs root: run it with sudo (or --print to see them)")
    unit_dir = Path(args.unit_dir)
    for name, text in texts.items():
        (unit_dir / name).write_text(text, encoding="utf-8")
        print(f"wrote {unit_dir / name}")
    names = " ".join(texts)
    print(
        f"next: useradd --system --home {data_dir} --shell /usr/sbin/nologin {args.user} (if not there); "
        f"chown -R {args.user}: {data_dir}; systemctl daemon-reload; systemctl enable --now {names}"
    )
    return 0


def install_store(args: argparse.Namespace) -> int:
    from pos.adapters.config import load_config

    config = load_config(args.config)  # a broken config fails here, not at boot
    writable = [_sqlite_dir(config.database.url)]  # the database, its WAL and the secret key beside the config
    writable += [Path(config.backup.dir)] if config.backup.dir else []
    writable += [Path(config.printer.file_path).parent] if config.printer.kind == "file" else []
    return _install(args, store_units(), [p for p in writable if p is not None])


def install_central(args: argparse.Namespace) -> int:
    from central.config import load_central_config

    config = load_central_config(args.config)
    return _install(args, central_units(), [p for p in [_sqlite_dir(config.database.url)] if p is not None])


def _sqlite_dir(url: str) -> Path | None:
    """The folder of a SQLite database (it writes its WAL beside the file); None for PostgreSQL."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite") or not parsed.database:
        return None
    return Path(parsed.database).resolve().parent


def _arguments(p: argparse.ArgumentParser, config: str, data_dir: str) -> None:
    p.add_argument("--config", default=config, help=f"the config file the services read (default {config})")
    p.add_argument("--user", default="omnitoko", help="the dedicated system user the services run as")
    p.add_argument("--data-dir", default=data_dir, help="its working folder, the only one it may write")
    p.add_argument("--unit-dir", default=UNIT_DIR)
    p.add_argument("--print", action="store_true", help="show the units, install nothing")


def register_store(store: argparse._SubParsersAction) -> None:
    p = store.add_parser("install-service", help="systemd units for the store server and sync agent (root)")
    _arguments(p, "/etc/omnitoko/config.toml", "/var/lib/omnitoko")
    p.set_defaults(run=install_store)


def register_central(central: argparse._SubParsersAction) -> None:
    p = central.add_parser("install-service", help="systemd units for the central web and its worker (root)")
    _arguments(p, "/etc/omnitoko/central.toml", "/var/lib/omnitoko-central")
    p.set_defaults(run=install_central)
