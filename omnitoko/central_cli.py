"""The `omnitoko central ...` commands: their arguments, and the function each runs (set up and administer in
central_admin_cli, serve and the housekeeping worker in central_serve_cli)."""

from __future__ import annotations

import argparse

from .central_admin_cli import (
    add_store,
    disable_admin,
    expire_points,
    init,
    new_epoch,
    rotate_store_token,
    set_admin_password,
    set_earn_rule,
    set_neighbours,
)
from .central_serve_cli import serve, worker


def register(sub: argparse._SubParsersAction) -> None:
    central = sub.add_parser("central", help="the central store").add_subparsers(dest="action", required=True)
    p = central.add_parser("init", help="migrate the central database; --demo-data loads the demo catalog")
    p.add_argument("--config", help="central config file (or OMNITOKO_CENTRAL_CONFIG)")
    p.add_argument("--demo-data", action="store_true")
    p.set_defaults(run=init)
    p = central.add_parser("serve", help="run the central store (sync API, admin, shop) under granian")
    p.add_argument("--config")
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.add_argument("--workers", type=int, help="worker processes (default [server] workers)")
    p.add_argument("--threads", type=int, help="threads per worker (default [server] threads)")
    p.add_argument(
        "--server", choices=["granian", "gunicorn"], help="the production HTTP server (default [server] engine)"
    )
    p.add_argument(
        "--no-worker",
        action="store_true",
        help="do not start the housekeeping worker here (it runs as `central worker` elsewhere)",
    )
    p.add_argument("--dev", action="store_true", help="Werkzeug's development server instead (never in production)")
    p.add_argument("--access-log", action="store_true", help="a console line per HTTP request (off by default)")
    p.set_defaults(run=serve)
    p = central.add_parser("worker", help="housekeeping (lapsed holds, points expiry): once across all processes")
    p.add_argument("--config")
    p.set_defaults(run=worker)
    p = central.add_parser("add-store", help="register a store and print its token once")
    p.add_argument("store_id")
    p.add_argument("--config")
    p.add_argument("--name")
    p.add_argument("--rotate", action="store_true", help="issue a new token for a registered store")
    p.add_argument("--token-only", action="store_true", help="print only the token (for scripts)")
    p.set_defaults(run=add_store)
    p = central.add_parser("rotate-store-token", help="issue a new token for a store; the old one stops at once")
    p.add_argument("store_id")
    p.add_argument("--config")
    p.add_argument("--token-only", action="store_true", help="print only the token (for scripts)")
    p.set_defaults(run=rotate_store_token)
    p = central.add_parser(
        "set-admin-password",
        help="change (or with --create add) an admin's password, read from stdin; their sessions end",
    )
    p.add_argument("username")
    p.add_argument("--config")
    p.add_argument("--create", action="store_true")
    p.set_defaults(run=set_admin_password)
    p = central.add_parser("disable-admin", help="disable an admin (their sessions end at once); --enable undoes it")
    p.add_argument("username")
    p.add_argument("--config")
    p.add_argument("--enable", action="store_true")
    p.set_defaults(run=disable_admin)
    p = central.add_parser(
        "expire-points",
        help="expire points earned longer ago than [loyalty] "
        "expire_after_days and not spent (`central serve` also runs it every "
        "[loyalty] expire_every_minutes; again = no change)",
    )
    p.add_argument("--config")
    p.set_defaults(run=expire_points)
    p = central.add_parser("set-earn-rule", help="a new points earn rule from a time (default now), sent to the stores")
    p.add_argument("--earn-per-amount", type=int, required=True, help="1 point per this much paid after discounts")
    p.add_argument("--point-value", type=int, required=True, help="what 1 point pays at the till")
    p.add_argument("--from", dest="effective_from", help="ISO time, UTC (e.g. 2026-12-01T00:00:00)")
    p.add_argument("--note")
    p.add_argument("--config")
    p.set_defaults(run=set_earn_rule)
    p = central.add_parser("set-neighbours", help="whose stock figures a store's feed carries")
    p.add_argument("store_id")
    p.add_argument("--region", help="the store's region or city; without --stores: its first [sync] neighbours")
    p.add_argument("--stores", help="comma-separated store ids (empty string: none)")
    p.add_argument("--config")
    p.set_defaults(run=set_neighbours)
    p = central.add_parser("new-epoch", help="after restoring a backup: agents re-push what is missing")
    p.add_argument("--config")
    p.set_defaults(run=new_epoch)
    from . import service_cli

    service_cli.register_central(central)
