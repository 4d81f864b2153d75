"""Central's loyalty settings as this store last pulled them (shop id, card key, earn rules), with the earn rule
in force at a given time; the store's [loyalty] config stands in until the first pull.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from common.timestamps import parse_time
from pos.adapters.tables import LoyaltySetting

from .context import StoreContext


@dataclass(frozen=True)
class Settings:
    shop_id: str
    public_key: str
    earn_per_amount: int
    point_value: int


def settings(s: Session, ctx: StoreContext, at: datetime | None = None) -> Settings:
    """Central's settings as last pulled, with its earn rule in force at `at` (default now: central checks each
    sale's points by the rule of the sale's time); the store's [loyalty] config until then (its public_key wins)."""
    got = {k: v for k, v in s.execute(select(LoyaltySetting.key, LoyaltySetting.value))}
    cfg = ctx.config.loyalty
    rule = _rule_at(got, at or ctx.clock())
    return Settings(
        shop_id=got.get("shop_id") or cfg.shop_id,
        public_key=cfg.public_key or got.get("public_key", ""),
        earn_per_amount=int(rule.get("earn_per_amount") or cfg.earn_per_amount),
        point_value=int(rule.get("point_value") or cfg.point_value),
    )


def _rule_at(got: dict[str, str], at: datetime) -> dict[str, Any]:
    """The latest of central's rules (in force and scheduled) whose effective time has come; the pulled flat
    figures if central sent no list or none has come yet."""
    found: dict[str, Any] = {"earn_per_amount": got.get("earn_per_amount"), "point_value": got.get("point_value")}
    at = at.replace(tzinfo=None)
    for rule in json.loads(got.get("rules") or "[]"):
        if (parse_time(rule.get("effective_from")) or at) <= at:
            found = rule
    return found


def save_settings(s: Session, data: dict[str, Any]) -> None:
    for key in ("shop_id", "public_key", "earn_per_amount", "point_value"):
        if data.get(key) not in (None, ""):
            s.merge(LoyaltySetting(key=key, value=str(data[key])))
    if isinstance(data.get("rules"), list):
        rules = sorted(data["rules"], key=lambda r: str(r.get("effective_from")))
        s.merge(LoyaltySetting(key="rules", value=json.dumps(rules, sort_keys=True)))
