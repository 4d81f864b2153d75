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

from .context import CentralContext

BEGINNING = datetime(2000, 1, 1)


@dataclass(frozen=True)
class Rule:
    id: str
    effective_from: datetime
    earn_per_amount: int
    point_value: int

    def data(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "effective_from": self.effective_from.isoformat(),
            "earn_per_amount": self.earn_per_amount,
            "point_value": self.point_value,
        }


def config_rule(ctx: CentralContext) -> Rule:
    cfg = ctx.config.loyalty
    return Rule("config", BEGINNING, cfg.earn_per_amount, cfg.point_value)


def history(s: Session, ctx: CentralContext) -> list[Rule]:
    """Every rule, oldest first."""
    rows = [
        Rule(r.id, r.effective_from, r.earn_per_amount, r.point_value)
        for r in s.scalars(select(LoyaltyRule).order_by(LoyaltyRule.effective_from))
    ]
    return rows or [config_rule(ctx)]


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
