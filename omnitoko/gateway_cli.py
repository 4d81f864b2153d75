"""`omnitoko gateway serve`: the stand-in payment gateway beside a central store (demo, tests, development).

It reads the central store's config file: the same [payments] server key, its own host and port, and where to
post notifications (payments.notify_url, else the central store's own URL)."""

from __future__ import annotations

import argparse
import logging
import threading

from central.config import CentralConfig, load_central_config

log = logging.getLogger("omnitoko.standin")
NOTIFY_PATH = "/api/v1/payments/notify"


def notify_url(config: CentralConfig) -> str:
    p, server = config.payments, config.server
    if p.notify_url:
        return p.notify_url
    base = server.public_url.rstrip("/") if server.public_url else f"http://{server.host}:{server.port}"
    return base + NOTIFY_PATH


def serve(args: argparse.Namespace) -> int:
    from werkzeug.serving import run_simple

    from central.standin.app import create_standin_app, post_notification
    from central.standin.ledger import Ledger
    from common.errors import DomainError

    config = load_central_config(args.config)
    p = config.payments
    if not p.server_key:
        raise DomainError("no_gateway_key", "no [payments] server key: run `omnitoko central init` first")
    host, port = args.host or p.standin_host, args.port or p.standin_port
    ledger = Ledger(p.server_key, post_notification(notify_url(config), timeout=p.timeout_seconds))
    stop = threading.Event()

    def tick() -> None:  # pages lapse on time even when nobody asks
        while not stop.wait(5):
            ledger.expire_due()

    threading.Thread(target=tick, name="standin-expiry", daemon=True).start()
    print(f"stand-in payment gateway on http://{host}:{port} (notifications to {notify_url(config)})", flush=True)
    logging.getLogger("werkzeug").setLevel(logging.INFO if args.access_log else logging.WARNING)
    try:
        run_simple(host, port, create_standin_app(ledger), threaded=True, use_reloader=False)
    finally:
        stop.set()
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    gateway = sub.add_parser("gateway", help="the stand-in payment gateway").add_subparsers(
        dest="action", required=True
    )
    p = gateway.add_parser("serve", help="serve the stand-in payment gateway (Midtrans' contract, no real money)")
    p.add_argument("--config", help="the central store's config file (or OMNITOKO_CENTRAL_CONFIG)")
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.add_argument("--access-log", action="store_true", help="a console line per HTTP request (off by default)")
    p.set_defaults(run=serve)
