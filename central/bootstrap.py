"""The central store's composition root: the one place that builds the services' context (database pool sized
from config, clock) for the app factory, the CLI and the tests. Push handlers are registered under the contract's
event types (common/contract/names.py) in services/handlers.py."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from central.config import CentralConfig
from central.db import central_database
from central.gateways import build_gateway
from central.services.context import CentralContext
from common.db import Database
from common.tables import utcnow


def central_context(
    config: CentralConfig, db: Database | None = None, clock: Callable[[], datetime] = utcnow
) -> CentralContext:
    database = db or central_database(config.database.url, config.database.pool_size, config.database.max_overflow)
    return CentralContext(db=database, config=config, clock=clock, gateway=build_gateway(config.payments))
