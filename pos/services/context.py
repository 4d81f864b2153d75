"""What every service needs: the database, the config, a clock, an after-commit notifier and the after-sale steps.

Built by `pos.bootstrap`, which declares the steps and their order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from common.db import Database
from common.money import Currency
from common.tables import utcnow
from pos.adapters.config import StoreConfig
from pos.adapters.printer_kinds import prints
from pos.domain.rate_limit import RateLimiter

from .after_sale import AfterSale

Notifier = Callable[[str, dict[str, Any]], None]


def _no_notify(topic: str, data: dict[str, Any]) -> None:
    return None


@dataclass
class StoreContext:
    db: Database
    config: StoreConfig
    clock: Callable[[], datetime] = utcnow
    notify: Notifier = field(default=_no_notify)
    after_sale: AfterSale = field(default_factory=AfterSale)
    kiosk_rates: RateLimiter = field(default_factory=RateLimiter)  # per paired kiosk: prints and carts a minute

    @property
    def store_id(self) -> str:
        return self.config.store.id

    @property
    def has_printer(self) -> bool:
        return prints(self.config.printer.kind)

    @property
    def currency(self) -> Currency:
        c = self.config.currency
        return Currency(c.code, c.minor_units, c.symbol, c.thousands, c.decimal)
