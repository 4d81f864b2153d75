"""What every service needs: the database, the config, a clock and an after-commit notifier."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from pos.adapters.config import StoreConfig
from common.db import Database
from common.tables import utcnow
from common.money import Currency

Notifier = Callable[[str, dict[str, Any]], None]
# Called inside the transaction that records a sale, refund or void (a print job, say, must commit with it).
FactHook = Callable[[Session, str, dict[str, Any]], None]


def _no_notify(topic: str, data: dict[str, Any]) -> None:
    return None


@dataclass
class StoreContext:
    db: Database
    config: StoreConfig
    clock: Callable[[], datetime] = utcnow
    notify: Notifier = field(default=_no_notify)
    fact_hooks: list[FactHook] = field(default_factory=list)

    def run_fact_hooks(self, session: Session, kind: str, view: dict[str, Any]) -> None:
        for hook in self.fact_hooks:
            hook(session, kind, view)

    @property
    def store_id(self) -> str:
        return self.config.store.id

    @property
    def currency(self) -> Currency:
        c = self.config.currency
        return Currency(c.code, c.minor_units, c.symbol, c.thousands, c.decimal)
