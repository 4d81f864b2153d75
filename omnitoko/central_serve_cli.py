"""`omnitoko central serve` and `omnitoko central worker`: the web server (granian or gunicorn, or Werkzeug with
--dev) and the housekeeping worker it starts beside it."""

from __future__ import annotations

import argparse
import logging

from central.config import load_central_config
from central.migrate import upgrade
from central.services.context import CentralContext
from common.logs import configure_logging

from .central_admin_cli import context_of


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

    ctx = context_of(args)
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
