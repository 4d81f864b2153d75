"""Pulled loyalty changes: members (with central's balance), central's loyalty settings, this store's allowances."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from common.tables import utcnow
from pos.adapters.tables import LoyaltyAllowance
from pos.services.loyalty import save_member
from pos.services.loyalty_settings import save_settings


def _member(s: Session, d: dict[str, Any]) -> None:
    save_member(s, d, utcnow())


def _settings(s: Session, d: dict[str, Any]) -> None:
    save_settings(s, d)


def _allowance(s: Session, d: dict[str, Any]) -> None:
    row = s.get(LoyaltyAllowance, d["id"])
    if row is None:
        # One allowance per member here: a new grant replaces the old one.
        s.execute(delete(LoyaltyAllowance).where(LoyaltyAllowance.member_id == d["member_id"]))
        row = LoyaltyAllowance(id=d["id"], member_id=d["member_id"])
        s.add(row)
    row.points, row.used = int(d["points"]), int(d.get("used") or 0)
    row.expires_at = datetime.fromisoformat(str(d["expires_at"])).replace(tzinfo=None)
    s.flush()


TOPICS = {"member": _member, "loyalty_settings": _settings, "loyalty_allowance": _allowance}
