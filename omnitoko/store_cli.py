"""The `omnitoko store ...` commands."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from common.config_reader import ensure_secret_key
from common.logs import configure_logging
from pos import bootstrap
from pos.adapters.config import load_config
from pos.adapters.migrate import upgrade
from pos.services import setup
from pos.services.context import StoreContext


def _ctx(args: argparse.Namespace) -> StoreContext:
    config = load_config(args.config)
    return bootstrap.store_context(config)


def init(args: argparse.Namespace) -> int:
    ctx = _ctx(args)
    made = ensure_secret_key(ctx.config.server)
    if made is not None:
        print(f"secret key written to {made} (owner-only; keep it out of backups you share)")
    upgrade(ctx.config.database.url)
    setup.ensure_basics(ctx)
    added = setup.load_demo_data(ctx) if args.demo_data else 0
    print(
        f"store {ctx.store_id}: database ready at {ctx.config.database.url}"
        + (f"; {added} demo products added" if args.demo_data else "")
    )
    return 0


def add_staff(args: argparse.Namespace) -> int:
    setup.add_staff(_ctx(args), args.code, args.name, args.role, args.pin)
    print(f"staff {args.code} ({args.role}) added")
    return 0


def set_pin(args: argparse.Namespace) -> int:
    ended = setup.change_pin(_ctx(args), args.code, args.pin)
    print(f"staff {args.code}: new PIN set; {ended} session(s) ended")
    return 0


def disable_staff(args: argparse.Namespace) -> int:
    ended = setup.set_staff_active(_ctx(args), args.code, not args.enable)
    print(f"staff {args.code} " + ("enabled" if args.enable else f"disabled; {ended} session(s) ended"))
    return 0


def pair_kiosk(args: argparse.Namespace) -> int:
    from pos.services import kiosk_devices

    if args.minutes is not None and not 1 <= args.minutes <= 7 * 24 * 60:
        raise SystemExit("error: --minutes is 1 to 10080 (a week)")
    made = kiosk_devices.new_pairing_code(_ctx(args), "cli", args.minutes)
    print(made["code"])
    return 0


def serve(args: argparse.Namespace) -> int:
    """gunicorn, one worker x [server] threads (the production server); Werkzeug only with --dev."""
    from common.web.hardening import check_secret_key

    config = load_config(args.config)
    configure_logging(config.logging, "store")
    # Checked here, before gunicorn forks: a worker that fails to boot would print a traceback, not this line.
    check_secret_key(config.server.secret_key, "OMNITOKO_SERVER__SECRET_KEY", "omnitoko store init")
    _migrate(config.database.url)
    host = args.host or config.server.host
    port = args.port or config.server.port
    config.server.host, config.server.port = host, port  # receipt links point where this server really listens
    base = f"http://{host}:{port}"
    print(f"Omnitoko store {config.store.id} is running:", flush=True)
    print(f"  till              {base}/till", flush=True)
    for till in config.store.tills:
        print(f"  customer display  {base}/display/{till}", flush=True)
    print(f"  manager           {base}/manager", flush=True)
    print(f"  kiosk             {base}/kiosk/", flush=True)
    print(f"  API (OpenAPI)     {base}/api/v1/openapi.json", flush=True)
    if args.dev:
        return _serve_dev(config, host, port, args.access_log)
    from .store_serving import StoreServer, threads_needed

    threads = args.threads or config.server.threads
    print(f"  server            gunicorn, 1 worker x {threads} threads", flush=True)
    if threads < threads_needed(config):
        print(
            f"  warning           {len(config.store.tills)} tills want at least {threads_needed(config)} threads "
            "([server] threads): a till page or display beyond that waits for a free one",
            flush=True,
        )
    StoreServer(config, host, port, threads, _start_background, access_log=args.access_log).run()
    return 0


def _serve_dev(config, host: str, port: int, access_log: bool = False) -> int:
    """Werkzeug's threaded development server (a thread per connection), for development only."""
    from pos.web.app import create_app, socketio_of

    print("  server            Werkzeug (--dev): development only", flush=True)
    app = create_app(config)
    stop = _start_background(app)
    try:
        socketio_of(app).run(
            app, host=host, port=port, allow_unsafe_werkzeug=True, use_reloader=False, log_output=access_log
        )
    finally:
        stop()
    return 0


def _start_background(app) -> Callable[[], None]:
    """The print worker, the sync badge and the backups: threads of the one serving process, started once."""
    worker = _start_print_worker(app)
    badge = _start_sync_badge(app)
    backups = _start_backups(app.extensions["omnitoko"].config)

    def stop() -> None:
        badge.set()
        if backups is not None:
            backups.set()
        if worker is not None:
            worker.stop()
        print("store server stopped: print queue, sync badge and backups ended", flush=True)

    return stop


def _migrate(url: str) -> None:
    """At start, under the migration lock (the sync agent may be starting too): an upgraded package brings the
    database to its version; an up-to-date one costs a read."""
    applied = upgrade(url)
    if applied:
        print(f"  database          migrated: {', '.join(applied)}", flush=True)


def _start_backups(config):
    """[backup] dir set: a backup now and every [backup] interval_minutes, in a thread of the server."""
    from pos.services.backup_loop import start_backups

    stop = start_backups(config)
    if stop is not None:
        print(f"  backups           every {config.backup.interval_minutes} min into {config.backup.dir}", flush=True)
    return stop


def _start_sync_badge(app):
    """Every few seconds, the sync agent's status as the tills' "sync_status" badge (Socket.IO)."""
    from pos.web.app import socketio_of
    from sync_agent.badge import start_badge_emitter

    ctx = app.extensions["omnitoko"]
    return start_badge_emitter(socketio_of(app).emit, ctx.db, ctx.config)


def _start_print_worker(app):
    """The store server is the printer's single owner: one worker thread prints the durable queue."""
    from pos.services.print_worker import start_worker

    ctx = app.extensions["omnitoko"]
    if not ctx.has_printer:
        return None
    print(f"  receipt printer   {ctx.config.printer.kind} (print queue worker started)", flush=True)
    return start_worker(ctx)
