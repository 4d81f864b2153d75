"""Who may use the manager screens: a manager's staff code and PIN; a cashier is refused and nothing changes.

Sign-in is limited per staff code (the PIN lock shared with the till) and per address, so spreading guesses
over many codes from one machine slows down too. A manager sees what is locked and can lift it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from common import throttle_table as throttle
from common.errors import DomainError, Forbidden
from common.throttle import Policy, refuse_waiting
from pos.adapters.tables import SignInThrottle, Staff

from . import auth
from .auth import Actor, _check_pin, session_staff, start_backoffice_session
from .context import StoreContext
from .records import audit

# Back-office acts are not done at a till; audit entries and events name no till for them.
BACKOFFICE_TILL = ""


def address_policy(ctx: StoreContext) -> Policy:
    sec = ctx.config.security
    return Policy(
        free=sec.address_attempts, lock_after=3 * sec.address_attempts, lock=timedelta(minutes=sec.lock_minutes)
    )


def sign_in_manager(ctx: StoreContext, staff_code: str, pin: str, address: str = "") -> tuple[str, Actor]:
    """A session token for the manager screens and who it is."""
    code, pin = (staff_code or "").strip(), (pin or "").strip()
    if not code or not pin:
        raise DomainError("missing_field", "type your staff code and PIN")
    key, policy = f"addr:{address}", address_policy(ctx)
    with ctx.db.unit_of_work() as s:
        waiting = throttle.wait_left(s, SignInThrottle, key, ctx.clock())
    if waiting is not None:
        raise refuse_waiting(waiting[0], policy.locks(waiting[1]), "this address", "a manager")
    try:
        staff = _check_pin(ctx, code, pin)
    except DomainError:
        with ctx.db.unit_of_work() as s:
            throttle.record_failure(s, SignInThrottle, key, ctx.clock(), policy)
        raise
    if staff.role != "manager":
        raise Forbidden(
            "not_a_manager",
            f"staff {code} ({staff.name}) is a {staff.role}: the manager screens are "
            "for managers only. Ask a manager to sign in.",
            staff_code=code,
            name=staff.name,
        )
    return start_backoffice_session(ctx, staff.id), Actor(staff.id, staff.code, staff.name, staff.role, BACKOFFICE_TILL)


def current_manager(ctx: StoreContext, token: str | None) -> Actor:
    """The manager a cookie's session token names, checked again on every request: a session signed out, timed
    out or of a manager since deactivated, given a new PIN or demoted is refused."""
    staff, _ = session_staff(ctx, token, at_till=False)
    if staff.role != "manager":
        raise Forbidden(
            "not_a_manager",
            f"staff {staff.code} ({staff.name}) is not a manager any more",
            staff_code=staff.code,
            name=staff.name,
        )
    return Actor(staff.id, staff.code, staff.name, staff.role, BACKOFFICE_TILL)


def _staff_names(s: Session) -> dict[str, str]:
    return {f"staff:{code}": f"{name} ({code})" for code, name in s.execute(select(Staff.code, Staff.name))}


def locks(ctx: StoreContext) -> list[dict[str, Any]]:
    """Staff codes and addresses that must wait now, each with who it is ("Sari (1001)") where a person."""
    with ctx.db.sessions() as s:
        rows = throttle.locked_keys(s, SignInThrottle, ctx.clock())
        names = _staff_names(s)
    return [{**r, "who": names.get(r["key"], r["key"].partition(":")[2])} for r in rows]


def lift_lock(ctx: StoreContext, actor: Actor, key: str, till_id: str | None = None) -> bool:
    """A manager lifts a staff code's or an address's lock (in the audit log); True if there was one."""
    with ctx.db.unit_of_work() as s:
        lifted = throttle.clear(s, SignInThrottle, key)
        if lifted:
            kind, _, what = key.partition(":")
            who = _staff_names(s).get(key, what)
            audit(
                s,
                ctx,
                "sign_in_unlocked",
                till_id=till_id,
                requested_by=actor.staff_id,
                approved_by=actor.staff_id,
                detail={"staff" if kind == "staff" else "address": who},
            )
        return lifted


def unlock_at_till(ctx: StoreContext, staff_code: str, approval: dict[str, str] | None, till_id: str) -> bool:
    """A manager at the till unlocks a cashier who typed too many wrong PINs, with their own code and PIN."""
    manager = auth.approving_manager(ctx, approval, f"unlocking staff code {staff_code}")
    if not lift_lock(ctx, manager, f"staff:{staff_code.strip()}", till_id):
        raise DomainError("not_locked", f"staff code {staff_code} is not locked", staff_code=staff_code)
    return True
