"""The `omnitoko central ...` commands: set up, serve, register stores, start a new epoch after a restore."""

from __future__ import annotations

import argparse
import getpass
import logging
import sys

from central.bootstrap import central_context
from central.config import ensure_gateway_key, load_central_config
from central.migrate import upgrade
from central.services import admin_auth, demo, stores
from central.services.context import CentralContext
from common.config_reader import ensure_secret_key
from common.errors import DomainError
from common.logs import configure_logging


def _ctx(args: argparse.Namespace) -> CentralContext:
    config = load_central_config(args.config)
    return central_context(config)


def init(args: argparse.Namespace) -> int:
    ctx = _ctx(args)
    admin = ctx.config.admin
    if admin.initial_password:  # before anything is made: a weak password stops init with nothing half done
        admin_auth.check_password_strength(admin.username, admin.initial_password)
    made = ensure_secret_key(ctx.config.server)
    if made is not None:
        print(f"secret key written to {made} (owner-only; keep it out of backups you share)")
    made = ensure_gateway_key(ctx.config.payments)
    if made is not None:
        print(f"stand-in gateway server key written to {made} (owner-only)")
    upgrade(ctx.config.database.url)
    epoch = stores.ensure_meta(ctx)
    if admin.initial_password and not stores.has_admin(ctx):
        stores.set_admin(ctx, admin.username, admin.initial_password)
        print(f"admin user {admin.username!r} created")
    added = demo.load(ctx) if args.demo_data else 0
    print(
        f"central store ready at {ctx.config.database.url} (epoch {epoch})"
        + (f"; {added} demo products added" if args.demo_data else "")
    )
    return 0


def add_store(args: argparse.Namespace) -> int:
    ctx = _ctx(args)
    try:
        token = stores.add_store(ctx, args.store_id, args.name or "", rotate=args.rotate)
    except DomainError as e:
        print(f"omnitoko: {e.message}")
        return 1
    if args.token_only:
        print(token)
        return 0
    print(
        f"store {args.store_id} registered. Its token (shown only this once; put it in the store's config "
        f"as [sync] token):\n{token}"
    )
    return 0


def rotate_store_token(args: argparse.Namespace) -> int:
    """A new token for a registered store; the old one stops working at once."""
    token = stores.rotate_store_token(_ctx(args), args.store_id)
    print(
        token
        if args.token_only
        else f"store {args.store_id}: new token (the old one no longer works; put this "
        f"in the store's config as [sync] token, shown only this once):\n{token}"
    )
    return 0


def set_admin_password(args: argparse.Namespace) -> int:
    """Read the new password from stdin (no echo on a terminal), never from the command line (shell history)."""
    if sys.stdin.isatty():
        password = getpass.getpass(f"new password for {args.username}: ")
    else:
        password = sys.stdin.readline().rstrip("\n")
    created = admin_auth.set_password(_ctx(args), args.username, password, create=args.create)
    print(f"admin {args.username!r} " + ("created" if created else "has a new password; their sessions ended"))
    return 0


def disable_admin(args: argparse.Namespace) -> int:
    admin_auth.set_active(_ctx(args), args.username, active=args.enable)
    print(f"admin {args.username!r} " + ("enabled" if args.enable else "disabled; their sessions ended"))
    return 0


def set_neighbours(args: argparse.Namespace) -> int:
    """Whose stock figures a store's feed carries: an explicit list, or its region's first [sync] neighbours."""
    neighbours = None if args.stores is None else [x.strip() for x in args.stores.split(",") if x.strip()]
    ctx = _ctx(args)
    stores.set_neighbours(ctx, args.store_id, args.region, neighbours)
    with ctx.db.sessions() as s:
        got = stores.audience(s, ctx, args.store_id)
    print(f"store {args.store_id} gets the stock figures of: {', '.join(got) or 'no other store'} (others on demand)")
    return 0


def new_epoch(args: argparse.Namespace) -> int:
    epoch = stores.new_epoch(_ctx(args))
    print(f"new epoch {epoch}: every store's agent will push again what this database lacks and re-pull")
    return 0


def expire_points(args: argparse.Namespace) -> int:
    from central.services.loyalty_expiry import expire_points as run

    done = run(_ctx(args))
    if done.cutoff is None:
        print("points never expire here ([loyalty] expire_after_days = 0): nothing expired")
        return 0
    print(
        f"{done.points} points of {done.members} members expired (earned before {done.cutoff:%Y-%m-%d %H:%M} UTC "
        "and not spent)"
    )
    return 0


def set_earn_rule(args: argparse.Namespace) -> int:
    from datetime import datetime

    from central.services.loyalty_admin import set_rule

    try:
        start = datetime.fromisoformat(args.effective_from) if args.effective_from else None
        rule = set_rule(_ctx(args), args.earn_per_amount, args.point_value, start, args.note or "")
    except (ValueError, DomainError) as e:
        print(f"not set: {getattr(e, 'message', e)}")
        return 1
    print(
        f"from {rule['effective_from']} UTC: 1 point per {rule['earn_per_amount']} paid, 1 point pays "
        f"{rule['point_value']} (stores get it with their next pull; earlier sales keep their rule)"
    )
    return 0


def serve(args: argparse.Namespace) -> int:
    """granian (or gunicorn, [server] engine) with [server] workers x threads, and a housekeeping worker beside it;
    Werkzeug only with --dev."""
    from common.web.hardening import check_secret_key

    config = load_central_config(args.config)
    _multiprocess_metrics()  # before anything imports prometheus_client (a log line may import Flask's g)
    configure_logging(config.logging, "central")
    # Checked here, before the server forks: a worker that fails to boot would print a traceback, not this line.
    check_secret_key(config.server.secret_key, "OMNITOKO_CENTRAL_SERVER__SECRET_KEY", "omnitoko central init")
    upgrade(config.database.url)  # an upgraded package migrates as it starts, under the lock (before any fork)
    host, port = args.host or config.server.host, args.port or config.server.port
    base = f"http://{host}:{port}"
    print(
        f"Omnitoko central store is running:\n  online shop       {base}/shop/\n  admin             {base}/admin\n"
        f"  sync API          {base}/api/v1/sync/push, {base}/api/v1/sync/pull\n"
        f"  API (OpenAPI)     {base}/api/v1/openapi.json",
        flush=True,
    )
    if args.dev:
        return _serve_dev(config, host, port, args.access_log)
    from central.web.serving import connections, run_server

    workers, threads = args.workers or config.server.workers, args.threads or config.server.threads
    engine = args.server or config.server.engine
    print(
        f"  server            {engine}, {workers} workers x {threads} threads; at most "
        f"{connections(config, workers)} database connections",
        flush=True,
    )
    worker = None if args.no_worker else _spawn_worker(args.config)
    try:
        run_server(engine, config, host, port, workers, threads, access_log=args.access_log)
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)
        _drop_metrics_folder()
    return 0


def _multiprocess_metrics() -> None:
    """The server runs several workers: /metrics adds up their counters from files in one folder (set before any
    worker imports prometheus_client; emptied at each start, as prometheus_client asks)."""
    import os
    import shutil
    import tempfile

    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not folder:
        folder = os.path.join(tempfile.gettempdir(), f"omnitoko-metrics-{os.getpid()}")
        os.environ["OMNITOKO_OWN_METRICS_DIR"] = folder  # made here: removed when serve ends
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder, exist_ok=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder


def _drop_metrics_folder() -> None:
    import os
    import shutil

    own = os.environ.pop("OMNITOKO_OWN_METRICS_DIR", None)
    if own:
        shutil.rmtree(own, ignore_errors=True)


def _serve_dev(config, host: str, port: int, access_log: bool = False) -> int:
    """Werkzeug's threaded server and an in-process housekeeping thread: for development only."""
    from werkzeug.serving import run_simple

    from central.web.app import create_central_app

    print("  server            Werkzeug (--dev): development only", flush=True)
    app = create_central_app(config)
    # Not a line per sync request (every 5 s per store) unless asked with --access-log.
    logging.getLogger("werkzeug").setLevel(logging.INFO if access_log else logging.WARNING)
    housekeeping = _start_housekeeping(app.extensions["omnitoko_central"])
    try:
        run_simple(host, port, app, threaded=True, use_reloader=False)
    finally:
        if housekeeping is not None:
            housekeeping.stop()
    return 0


def _spawn_worker(config_path: str | None):
    import subprocess
    import sys

    cmd = [sys.executable, "-m", "omnitoko.cli", "central", "worker"] + (
        ["--config", config_path] if config_path else []
    )
    return subprocess.Popen(cmd)


def worker(args: argparse.Namespace) -> int:
    """The background worker: housekeeping on its schedule until SIGTERM or Ctrl-C (one run at a time chain-wide)."""
    import signal
    import threading

    ctx = _ctx(args)
    configure_logging(ctx.config.logging, "central worker")
    upgrade(ctx.config.database.url)  # started beside the web: the lock makes one of them migrate, the other wait
    stopped = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stopped.set())
    housekeeping = _start_housekeeping(ctx)
    stopped.wait()
    if housekeeping is not None:
        housekeeping.stop()
    ctx.db.dispose()
    return 0


def _start_housekeeping(ctx: CentralContext):
    """Points expiry and lapsed holds on the schedule of [loyalty] expire_every_minutes (0 = off)."""
    from central.services.housekeeping import start_housekeeping

    minutes = ctx.config.loyalty.expire_every_minutes
    print(
        "  housekeeping      "
        + (
            f"points expiry and lapsed holds every {minutes} min"
            if minutes
            else "off ([loyalty] expire_every_minutes = 0)"
        ),
        flush=True,
    )
    return start_housekeeping(ctx)


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
