"""What every central service needs: the database, the config and a clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from central.config import CentralConfig
from common.db import Database
from common.tables import utcnow

from .gateway import PaymentGateway


@dataclass
class CentralContext:
    db: Database
    config: CentralConfig
    clock: Callable[[], datetime] = utcnow
    gateway: PaymentGateway | None = None  # the payment gateway adapter (bootstrap builds it from [payments])
    # SKUs known to exist: products are deactivated, never deleted, so a positive answer never goes stale.
    known_skus: set[str] = field(default_factory=set)
    # When this process last wrote each store's last_pull_at (monotonic seconds): pulls stamp it at most once
    # a minute, so an idle pull writes nothing.
    contact_stamped: dict[str, float] = field(default_factory=dict)
