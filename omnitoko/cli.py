"""`omnitoko`: one command for the store server, and (as they land) the central store and sync agent."""
from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable

from pos.adapters.config import ConfigError

Handler = Callable[[argparse.Namespace], int]


def _store_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
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
    p.set_defaults(run=store_cli.serve)
    p = store.add_parser("add-staff", help="add a cashier or manager")
    p.add_argument("--config")
    p.add_argument("code")
    p.add_argument("name")
    p.add_argument("--role", choices=["cashier", "manager"], default="cashier")
    p.add_argument("--pin", required=True)
    p.set_defaults(run=store_cli.add_staff)


def _central_and_sync_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from . import central_cli, sync_cli

    central_cli.register(sub)
    sync_cli.register(sub)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="omnitoko", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    _store_commands(sub)
    _central_and_sync_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except ConfigError as e:
        print(f"omnitoko: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
