"""The `omnitoko sync ...` commands: the agent beside the store server."""

from __future__ import annotations

import argparse
import signal
import sys

from common.config_reader import ConfigError
from common.logs import configure_logging
from pos import bootstrap
from pos.adapters.config import load_config
from pos.adapters.migrate import upgrade
from sync_agent.agent import Agent


def _agent(args: argparse.Namespace) -> Agent:
    config = load_config(args.config)
    configure_logging(config.logging, "sync")
    if not config.sync.central_url or not config.sync.token:
        raise ConfigError("[sync] central_url and token must be set to sync (see `omnitoko central add-store`)")
    upgrade(config.database.url)  # the store server may be migrating too: the lock makes one wait for the other
    return bootstrap.sync_agent(config, say=lambda text: print(text, flush=True))


def once(args: argparse.Namespace) -> int:
    """One round; exit 0 only when the outbox is empty and the pull is current."""
    agent = _agent(args)
    try:
        rep = agent.round(release=True)
    finally:
        agent.close()
    print(f"sync once: {rep.summary()}", flush=True)
    return 0 if rep.ok else 1


def run(args: argparse.Namespace) -> int:
    agent = _agent(args)

    def _stop(signum: int, _frame: object) -> None:
        # Finish the call in flight (each has a timeout), save, release the lease, exit.
        print(f"sync: stopping ({signal.Signals(signum).name})", file=sys.stderr, flush=True)
        agent.stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    print(
        f"sync: agent for store {agent.config.store.id} -> {agent.config.sync.central_url} "
        f"(every {agent.interval:g} s, at once after a sale)",
        flush=True,
    )
    try:
        agent.run()
    finally:
        agent.close()
    print("sync: stopped cleanly", flush=True)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    sync = sub.add_parser("sync", help="the sync agent").add_subparsers(dest="action", required=True)
    p = sync.add_parser("run", help="sync every [sync] interval_seconds and at once after a sale, until SIGTERM")
    p.add_argument("--config", help="the store's config file (or OMNITOKO_CONFIG)")
    p.set_defaults(run=run)
    p = sync.add_parser("once", help="one round; exit 0 only if the outbox is empty and the pull is current")
    p.add_argument("--config")
    p.set_defaults(run=once)
