"""The store's staff, managed on the manager screens (and by `omnitoko store add-staff`, `set-pin`,
`disable-staff`): a new cashier or manager with their PIN, a new PIN (which also lifts a lock after wrong PINs and
ends every session of that person), and turning a code off or on again (off ends its sessions at once).

Every change from the screens is in the audit log with the manager who made it. On the screens a store keeps one
active manager (the last one cannot be turned off there) and nobody turns their own code off; the command line,
the owner's tool, may turn off anyone. A PIN is hashed before the
write transaction begins, so the tills never wait on the hash (scrypt takes a tenth of a second on purpose).
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from common.db import rowcount
from common.errors import Conflict, DomainError, NotFound
from pos.adapters.tables import Staff, StaffToken

from .auth import hash_pin
from .context import StoreContext
from .records import audit

ROLES = ("cashier", "manager")
CODE = re.compile(r"[0-9]{3,8}")  # typed on the till's number pad at every sign-in


def check_pin_rule(pin: str) -> None:
    if not (pin.isdigit() and 4 <= len(pin) <= 8):
        raise DomainError("bad_pin", "a PIN is 4 to 8 digits")


def staff(ctx: StoreContext) -> list[dict[str, Any]]:
    """Everyone with a code: managers first, then by code; whether each is on, and locked after wrong PINs."""
    now = ctx.clock()
    with ctx.db.sessions() as s:
        rows = s.scalars(select(Staff).order_by(Staff.role.desc(), Staff.code))
        return [
            {
                "code": st.code,
                "name": st.name,
                "role": st.role,
                "active": st.active,
                "locked": bool(st.active and st.locked_until and st.locked_until > now),
            }
            for st in rows
        ]


def add(ctx: StoreContext, by: str | None, code: str, name: str, role: str, pin: str) -> dict[str, str]:
    """A new staff code; `by` is the manager adding it (None: the command line)."""
    code, name = (code or "").strip(), " ".join((name or "").split())
    if not CODE.fullmatch(code):
        raise DomainError("bad_staff_code", "a staff code is 3 to 8 digits", staff_code=code[:16])
    if not 1 <= len(name) <= 80:
        raise DomainError("bad_staff_name", "a name is 1 to 80 characters")
    if role not in ROLES:
        raise DomainError("bad_role", "role is cashier or manager")
    check_pin_rule(pin)
    pin_hash = hash_pin(pin)
    try:
        with ctx.db.unit_of_work() as s:
            if s.scalar(select(Staff.id).where(Staff.code == code)) is not None:
                raise Conflict("staff_exists", f"staff code {code} is taken", staff_code=code)
            person = Staff(code=code, name=name, role=role, pin_hash=pin_hash)
            s.add(person)
            s.flush()
            audit(s, ctx, "staff_added", requested_by=by, approved_by=by, ref_id=person.id, detail=_said(person))
    except IntegrityError:  # added by someone else between the check and the insert
        raise Conflict("staff_exists", f"staff code {code} is taken", staff_code=code) from None
    return {"code": code, "name": name, "role": role}


def new_pin(ctx: StoreContext, by: str | None, code: str, pin: str) -> int:
    """A new PIN, the lock after wrong PINs lifted; every session of that person ends. Returns how many ended."""
    check_pin_rule(pin)
    pin_hash = hash_pin(pin)
    with ctx.db.unit_of_work() as s:
        person = _one(s, code)
        person.pin_hash, person.failed_attempts, person.locked_until = pin_hash, 0, None
        ended = _end_sessions(s, person)
        audit(s, ctx, "staff_pin_set", requested_by=by, approved_by=by, ref_id=person.id, detail=_said(person))
    return ended


def set_active(ctx: StoreContext, by: str | None, code: str, active: bool) -> int:
    """A code turned on or off (off: its sessions end at once). Returns how many sessions ended."""
    with ctx.db.unit_of_work() as s:  # BEGIN IMMEDIATE: two managers turning each other off wait in turn
        person = _one(s, code)
        ended = 0
        if not active:
            if by is not None and person.id == by:
                raise Conflict("staff_self", "a manager does not turn their own code off")
            last = person.role == "manager" and person.active and _other_managers(s, person) == 0
            if by is not None and last:  # the command line may (the store's owner, who can add one back there)
                raise Conflict("last_manager", f"{person.name} is the store's last active manager", name=person.name)
            ended = _end_sessions(s, person)
        if person.active != active:
            person.active = active
            action = "staff_enabled" if active else "staff_disabled"
            audit(s, ctx, action, requested_by=by, approved_by=by, ref_id=person.id, detail=_said(person))
    return ended


def _one(s: Session, code: str) -> Staff:
    person = s.scalar(select(Staff).where(Staff.code == (code or "").strip()))
    if person is None:
        raise NotFound("unknown_staff", f"there is no staff code {code}", staff_code=(code or "")[:16])
    return person


def _other_managers(s: Session, person: Staff) -> int:
    others = select(func.count()).where(Staff.role == "manager", Staff.active.is_(True), Staff.id != person.id)
    return int(s.scalar(others) or 0)


def _end_sessions(s: Session, person: Staff) -> int:
    return rowcount(s.execute(delete(StaffToken).where(StaffToken.staff_id == person.id)))


def _said(person: Staff) -> dict[str, str]:
    return {"code": person.code, "name": person.name, "role": person.role}
