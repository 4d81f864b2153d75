"""The central store's composition root: the one place that builds the services' context (database pool sized
from config, clock) for the app factory, the CLI and the tests. Push handlers are registered under the contract's
event types (common/contract/names.py) in services/handlers.py."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from central.config import CentralConfig
from central.db import SessionLimits, central_database
from central.gateways import build_gateway
from central.services.context import CentralContext
from common.db import Database
from common.tables import utcnow


def central_context(
    config: CentralConfig, db: Database | None = None, clock: Callable[[], datetime] = utcnow, *, web: bool = False
) -> CentralContext:
    """`web`: for the web app, whose PostgreSQL sessions start with [database]'s time limits (web_limits)."""
    cfg = config.database
    database = db or central_database(cfg.url, cfg.pool_size, cfg.max_overflow, web_limits(config) if web else None)
    return CentralContext(db=database, config=config, clock=clock, gateway=build_gateway(config.payments))


def web_limits(config: CentralConfig) -> SessionLimits:
    """The web workers' session time limits: a request that would wait on the database past them is answered 503
    with Retry-After (central/web/errors.py) instead of holding its thread and connection."""
    cfg = config.database
    return SessionLimits(cfg.statement_timeout_ms, cfg.lock_timeout_ms, cfg.idle_in_transaction_timeout_ms)
