"""`omnitoko`: one command for the store server, and (as they land) the central store and sync agent."""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
from collections.abc import Callable
from typing import NoReturn

from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError

from common.config_reader import ConfigError
from common.errors import DomainError

Handler = Callable[[argparse.Namespace], int]


def _store_commands(sub: argparse._SubParsersAction) -> None:
    from . import store_cli

    store = sub.add_parser("store", help="the store server").add_subparsers(dest="action", required=True)
    p = store.add_parser("init", help="migrate the store database; --demo-data loads the demo minimarket")
    p.add_argument("--config", help="config file (or OMNITOKO_CONFIG)")
    p.add_argument("--demo-data", action="store_true")
    p.set_defaults(run=store_cli.init)
    p = store.add_parser("serve", help="run the store server (till, display, API)")
    p.add_argument("--config")
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.add_argument("--threads", type=int, help="gunicorn threads in its one worker (default [server] threads)")
    p.add_argument("--dev", action="store_true", help="Werkzeug's development server instead (never in production)")
    p.add_argument("--access-log", action="store_true", help="a console line per HTTP request (off by default)")
    p.set_defaults(run=store_cli.serve)
    p = store.add_parser("add-staff", help="add a cashier or manager")
    p.add_argument("--config")
    p.add_argument("code")
    p.add_argument("name")
    p.add_argument("--role", choices=["cashier", "manager"], default="cashier")
    p.add_argument("--pin", required=True)
    p.set_defaults(run=store_cli.add_staff)
    p = store.add_parser("set-pin", help="give a staff code a new PIN (ends all its sessions)")
    p.add_argument("--config")
    p.add_argument("code")
    p.add_argument("--pin", required=True)
    p.set_defaults(run=store_cli.set_pin)
    p = store.add_parser("disable-staff", help="disable a staff code (ends all its sessions); --enable undoes it")
    p.add_argument("--config")
    p.add_argument("code")
    p.add_argument("--enable", action="store_true")
    p.set_defaults(run=store_cli.disable_staff)
    p = store.add_parser("pair-kiosk", help="print a one-use kiosk pairing code (the manager page makes them too)")
    p.add_argument("--config")
    p.add_argument(
        "--minutes", type=int, default=None, help="how long the code works (default [kiosk] pairing_minutes)"
    )
    p.set_defaults(run=store_cli.pair_kiosk)

    from . import backup_cli, service_cli

    backup_cli.register(store)
    service_cli.register_store(store)


def _central_and_sync_commands(sub: argparse._SubParsersAction) -> None:
    from . import central_cli, gateway_cli, sync_cli

    central_cli.register(sub)
    sync_cli.register(sub)
    gateway_cli.register(sub)


class _Parser(argparse.ArgumentParser):
    """Bad arguments: one line and exit 2 (the usage is one `--help` away), like every other CLI failure."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"omnitoko: {message} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="omnitoko", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    _store_commands(sub)
    _central_and_sync_commands(sub)
    return parser


def main(argv: list[str] | None = None, *, loaded: Callable[[], None] = lambda: None) -> int:
    """Run one command; `loaded()` is called once the command's code is imported, before it runs."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    args = build_parser().parse_args(argv)
    loaded()
    try:
        return int(args.run(args) or 0)
    except ConfigError as e:
        return _fail(2, str(e))
    except DomainError as e:
        return _fail(1, e.message)
    except OperationalError as e:
        return _fail(3, f"cannot reach the database: {_first_line(e.orig or e)}")
    except SQLAlchemyError as e:
        return _fail(3, f"database error: {_first_line(e.orig if isinstance(e, DBAPIError) else e)}")
    except KeyboardInterrupt:
        return _fail(130, "interrupted")
    except Exception as e:  # noqa: BLE001 - a CLI prints one line, never a traceback (OMNITOKO_DEBUG=1 shows it)
        if os.environ.get("OMNITOKO_DEBUG") == "1":
            raise
        return _fail(1, f"unexpected error: {type(e).__name__}: {_first_line(e)} (OMNITOKO_DEBUG=1 for details)")


def _first_line(e: object) -> str:
    return (str(e).strip().splitlines() or [""])[0][:300]


def _fail(code: int, message: str) -> int:
    print(f"omnitoko: {message}", file=sys.stderr)
    return code


def run() -> NoReturn:
    """The `omnitoko` command in a process of its own. The code it imports is kept to the end, so the garbage
    collector leaves it alone: no collections while it loads, then frozen (a server's forked worker shares it
    copy-on-write, as the gc module's documentation advises), so neither later collections nor Python's teardown at
    exit walk it: about 0.4 s of CPU less per process (each server's master and worker, the sync agent, every
    command). What is made after loading (engines, connections) is collected at exit as before, so each SQLite
    connection still closes and folds its WAL into the database file."""
    gc.disable()
    sys.exit(main(loaded=_code_loaded))


def _code_loaded() -> None:
    gc.freeze()
    gc.enable()


if __name__ == "__main__":
    run()
