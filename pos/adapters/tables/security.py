"""Failed sign-ins per staff code and per address (the till, approvals and the manager screens)."""
from __future__ import annotations

from pos.adapters.throttle import ThrottleColumns

from .base import Base


class SignInThrottle(ThrottleColumns, Base):
    __tablename__ = "sign_in_throttle"
