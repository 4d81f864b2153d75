"""The points earn rule: central owns it, keeps every version by effective time and sends stores the ones in force.

Until head office sets a rule, the `[loyalty]` config is the rule from the beginning of time; the first rule set
keeps that one as the history's first entry, so sales made before the change are still checked by it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from central.tables import LoyaltyRule
from central.tables.base import new_id
from common.errors import DomainError

from .context import CentralContext

BEGINNING = datetime(2000, 1, 1)


@dataclass(frozen=True)
class Rule:
    id: str
    effective_from: datetime
    earn_per_amount: int
    point_value: int

    def data(self) -> dict[str, Any]:
        return {"id": self.id, "effective_from": self.effective_from.isoformat(),
                "earn_per_amount": self.earn_per_amount, "point_value": self.point_value}


def _config_rule(ctx: CentralContext) -> Rule:
    cfg = ctx.config.loyalty
    return Rule("config", BEGINNING, cfg.earn_per_amount, cfg.point_value)


def history(s: Session, ctx: CentralContext) -> list[Rule]:
    """Every rule, oldest first."""
    rows = [Rule(r.id, r.effective_from, r.earn_per_amount, r.point_value)
            for r in s.scalars(select(LoyaltyRule).order_by(LoyaltyRule.effective_from))]
    return rows or [_config_rule(ctx)]


def rule_at(rules: list[Rule], when: datetime | None) -> Rule:
    """The rule in force at `when` (a sale's time, naive UTC); the first one for anything older."""
    if when is None:
        return rules[-1]
    when = when.replace(tzinfo=None)
    found = rules[0]
    for r in rules:
        if r.effective_from <= when:
            found = r
    return found


def in_force_and_next(s: Session, ctx: CentralContext) -> list[Rule]:
    """What a store needs: the rule in force now and any scheduled after it (the feed carries these)."""
    rules = history(s, ctx)
    now = rule_at(rules, ctx.clock())
    return [r for r in rules if r.effective_from >= now.effective_from]


def set_rule(ctx: CentralContext, earn_per_amount: int, point_value: int, effective_from: datetime | None = None,
             note: str = "") -> dict[str, Any]:
    """A new rule from `effective_from` (default now); stores get it through the feed before it takes effect."""
    from . import loyalty  # loyalty's feed settings read this module

    if not 1 <= earn_per_amount <= 10**9 or not 1 <= point_value <= 10**9:
        raise DomainError("bad_rule", "earn_per_amount and point_value are whole amounts from 1 to 1.000.000.000")
    start = (effective_from or ctx.clock()).replace(tzinfo=None, microsecond=0)
    with ctx.db.unit_of_work() as s:
        if s.scalar(select(LoyaltyRule.id).limit(1)) is None:
            first = _config_rule(ctx)
            s.add(LoyaltyRule(id=new_id(), effective_from=first.effective_from, earn_per_amount=first.earn_per_amount,
                              point_value=first.point_value, note="from the [loyalty] config",
                              created_at=ctx.clock()))
        if s.scalar(select(LoyaltyRule.id).where(LoyaltyRule.effective_from == start)) is not None:
            raise DomainError("rule_exists", f"a rule already takes effect at {start.isoformat()}")
        row = LoyaltyRule(id=new_id(), effective_from=start, earn_per_amount=earn_per_amount, point_value=point_value,
                          note=note[:200], created_at=ctx.clock())
        s.add(row)
        s.flush()
        loyalty.publish(s, ctx, set())
        return Rule(row.id, row.effective_from, row.earn_per_amount, row.point_value).data()
