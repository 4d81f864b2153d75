"""Sign-in with PIN, bearer tokens, and manager approvals; wrong PINs lock a staff code for a while."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select
from werkzeug.security import check_password_hash, generate_password_hash

from pos.adapters.tables import Staff, StaffToken, Till
from pos.domain.errors import DomainError, Forbidden, Locked, Unauthorized

from .context import StoreContext

PIN_METHOD = "scrypt:16384:8:1"


@dataclass(frozen=True)
class Actor:
    """Who is at the till: the signed-in staff member and the till they signed in on."""

    staff_id: str
    code: str
    name: str
    role: str
    till_id: str

    @property
    def is_manager(self) -> bool:
        return self.role == "manager"

    def as_json(self) -> dict[str, str]:
        return {"id": self.staff_id, "code": self.code, "name": self.name, "role": self.role, "till_id": self.till_id}


def hash_pin(pin: str) -> str:
    return generate_password_hash(pin, method=PIN_METHOD)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _check_pin(ctx: StoreContext, staff_code: str, pin: str) -> Staff:
    """Verify a PIN in its own transaction, so a failed attempt is counted even though the caller fails."""
    sec = ctx.config.security
    now = ctx.clock()
    with ctx.db.unit_of_work() as s:
        staff = s.scalar(select(Staff).where(Staff.code == staff_code, Staff.active.is_(True)))
        if staff is None:
            raise Unauthorized("bad_credentials", "staff code or PIN is wrong")
        if staff.locked_until and staff.locked_until > now:
            minutes = max(1, int((staff.locked_until - now).total_seconds() // 60) + 1)
            raise Locked("locked", f"too many wrong PINs: staff code {staff_code} is locked for {minutes} more minute(s)")
        if not check_password_hash(staff.pin_hash, pin):
            staff.failed_attempts += 1
            if staff.failed_attempts >= sec.pin_attempts:
                staff.failed_attempts = 0
                staff.locked_until = now + timedelta(minutes=sec.lock_minutes)
            locked = staff.locked_until is not None and staff.locked_until > now
            s.flush()
        else:
            staff.failed_attempts = 0
            staff.locked_until = None
            s.flush()  # expunge drops unflushed changes: the reset must reach the database first
            s.expunge(staff)
            return staff
    if locked:
        raise Locked("locked", f"too many wrong PINs: staff code {staff_code} is locked for {sec.lock_minutes} minutes")
    raise Unauthorized("bad_credentials", "staff code or PIN is wrong")


def sign_in(ctx: StoreContext, staff_code: str, pin: str, till_id: str | None = None) -> tuple[str, Actor]:
    till_id = till_id or ctx.config.store.default_till
    staff = _check_pin(ctx, staff_code, pin)
    token = secrets.token_urlsafe(32)
    now = ctx.clock()
    with ctx.db.unit_of_work() as s:
        if s.get(Till, till_id) is None:
            raise DomainError("unknown_till", f"till {till_id} is not set up in this store")
        s.execute(delete(StaffToken).where(StaffToken.expires_at < now))
        s.add(StaffToken(token_hash=_token_hash(token), staff_id=staff.id, till_id=till_id, created_at=now,
                         expires_at=now + timedelta(hours=ctx.config.security.token_hours)))
    return token, Actor(staff.id, staff.code, staff.name, staff.role, till_id)


def authenticate(ctx: StoreContext, token: str | None) -> Actor:
    if not token:
        raise Unauthorized("unauthenticated", "sign in first (Authorization: Bearer <token>)")
    with ctx.db.sessions() as s:
        row = s.execute(
            select(StaffToken, Staff).join(Staff, Staff.id == StaffToken.staff_id)
            .where(StaffToken.token_hash == _token_hash(token))
        ).first()
    if row is None or row[0].expires_at < ctx.clock() or not row[1].active:
        raise Unauthorized("unauthenticated", "your session has ended; sign in again")
    tok, staff = row
    return Actor(staff.id, staff.code, staff.name, staff.role, tok.till_id)


def sign_out(ctx: StoreContext, token: str) -> None:
    with ctx.db.unit_of_work() as s:
        s.execute(delete(StaffToken).where(StaffToken.token_hash == _token_hash(token)))


def manager_approval(ctx: StoreContext, actor: Actor, approval: dict[str, str] | None, what: str) -> str:
    """The approving manager's staff id; a manager at the till approves their own act with their PIN too."""
    if not approval or not approval.get("staff_code") or not approval.get("pin"):
        raise Forbidden("approval_required", f"{what} needs a manager's code and PIN")
    staff = _check_pin(ctx, approval["staff_code"], approval["pin"])
    if staff.role != "manager":
        raise Forbidden("not_a_manager", f"staff {staff.code} is not a manager and cannot approve {what}")
    return staff.id
