"""Sign-in with PIN, server-side sessions (till bearer tokens and manager-screen cookies), and manager approvals.

Wrong PINs are counted per staff code in `sign_in_throttle`, known or not, and an unknown code costs the same
PIN hash as a known one: neither the answer nor its timing tells which codes exist.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import bindparam, delete, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from common import throttle_table as throttle
from common.db import read_time, rowcount
from common.errors import DomainError, Forbidden, Unauthorized
from common.throttle import Policy, refuse_waiting
from pos.adapters.tables import SignInThrottle, Staff, StaffToken, Till

from .context import StoreContext

PIN_METHOD = "scrypt:16384:8:1"
# A session's last use is written at most this often, so a busy till does not write on every scan.
TOUCH_EVERY = timedelta(seconds=60)


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


@cache
def _dummy_hash() -> str:
    """Checked against for unknown codes: same scrypt cost as a real PIN. Made on first use, not at import."""
    return hash_pin(secrets.token_hex(8))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def pin_policy(ctx: StoreContext) -> Policy:
    sec = ctx.config.security
    return Policy(free=sec.pin_attempts, lock_after=sec.pin_attempts, lock=timedelta(minutes=sec.lock_minutes))


def _check_pin(ctx: StoreContext, staff_code: str, pin: str) -> Staff:
    """Verify a PIN in its own transaction, so a failed attempt is counted even though the caller fails."""
    policy, key, now = pin_policy(ctx), f"staff:{staff_code}", ctx.clock()
    with ctx.db.unit_of_work() as s:
        waiting = throttle.wait_left(s, SignInThrottle, key, now)
        if waiting is not None:
            raise refuse_waiting(waiting[0], policy.locks(waiting[1]), f"staff code {staff_code}", "a manager")
        staff = s.scalar(select(Staff).where(Staff.code == staff_code, Staff.active.is_(True)))
        right = check_password_hash(staff.pin_hash if staff is not None else _dummy_hash(), pin)
        if right and staff is not None:
            throttle.clear(s, SignInThrottle, key)
            s.expunge(staff)
            return staff
        failures, wait = throttle.record_failure(s, SignInThrottle, key, now, policy)
    if wait:
        raise refuse_waiting(wait, policy.locks(failures), f"staff code {staff_code}", "a manager")
    raise Unauthorized("bad_credentials", "staff code or PIN is wrong")


def _new_session(ctx: StoreContext, staff_id: str, till_id: str | None) -> str:
    token = secrets.token_urlsafe(32)
    now = ctx.clock()
    with ctx.db.unit_of_work() as s:
        if till_id is not None and s.get(Till, till_id) is None:
            raise DomainError("unknown_till", f"till {till_id} is not set up in this store")
        s.execute(delete(StaffToken).where(StaffToken.expires_at < now))
        s.add(
            StaffToken(
                token_hash=_token_hash(token),
                staff_id=staff_id,
                till_id=till_id,
                created_at=now,
                last_seen_at=now,
                expires_at=now + timedelta(hours=ctx.config.security.token_hours),
            )
        )
    return token


def sign_in(ctx: StoreContext, staff_code: str, pin: str, till_id: str | None = None) -> tuple[str, Actor]:
    till_id = till_id or ctx.config.store.default_till
    staff = _check_pin(ctx, staff_code, pin)
    token = _new_session(ctx, staff.id, till_id)
    return token, Actor(staff.id, staff.code, staff.name, staff.role, till_id)


def start_backoffice_session(ctx: StoreContext, staff_id: str) -> str:
    """A manager-screen session (no till): its token goes in the signed cookie."""
    return _new_session(ctx, staff_id, None)


@dataclass(frozen=True)
class SignedIn:
    """The staff member a live session token names."""

    id: str
    code: str
    name: str
    role: str


_TOK, _STAFF = StaffToken.__table__, Staff.__table__
# Read on every request of a till or manager screen (every scan): one indexed read by the driver, no ORM objects.
_SESSION = (
    select(
        _TOK.c.till_id,
        _TOK.c.created_at,
        _TOK.c.expires_at,
        _TOK.c.last_seen_at,
        _STAFF.c.id,
        _STAFF.c.code,
        _STAFF.c.name,
        _STAFF.c.role,
        _STAFF.c.active,
    )
    .join_from(_TOK, _STAFF, _STAFF.c.id == _TOK.c.staff_id)
    .where(_TOK.c.token_hash == bindparam("digest"))
)


def session_staff(ctx: StoreContext, token: str | None, at_till: bool) -> tuple[SignedIn, str | None]:
    """The staff member a session token belongs to, while it lasts (absolute and idle timeouts) and they are
    active; a till token is no manager-screen session and the other way round."""
    if not token:
        raise Unauthorized("unauthenticated", "sign in first (Authorization: Bearer <token>)")
    now, digest = ctx.clock(), _token_hash(token)
    row = ctx.db.read_row(_SESSION, {"digest": digest})
    last_use = None if row is None else read_time(row.last_seen_at or row.created_at)
    if (
        row is None
        or last_use is None
        or not _alive(ctx, read_time(row.expires_at), last_use, now)
        or not row.active
        or (row.till_id is not None) != at_till
    ):
        raise Unauthorized("unauthenticated", "your session has ended; sign in again")
    if last_use < now - TOUCH_EVERY:
        with ctx.db.unit_of_work() as s:
            s.execute(update(StaffToken).where(StaffToken.token_hash == digest).values(last_seen_at=now))
    return SignedIn(row.id, row.code, row.name, row.role), row.till_id


def _alive(ctx: StoreContext, expires_at: datetime, last_use: datetime, now: datetime) -> bool:
    idle = timedelta(minutes=ctx.config.security.idle_minutes)
    return expires_at >= now and last_use + idle >= now


def authenticate(ctx: StoreContext, token: str | None) -> Actor:
    staff, till_id = session_staff(ctx, token, at_till=True)
    return Actor(staff.id, staff.code, staff.name, staff.role, till_id or "")


def sign_out(ctx: StoreContext, token: str) -> None:
    with ctx.db.unit_of_work() as s:
        s.execute(delete(StaffToken).where(StaffToken.token_hash == _token_hash(token)))


def end_all_sessions(ctx: StoreContext, staff_id: str) -> int:
    """Every till and manager-screen session of one staff member (PIN changed, disabled); returns how many."""
    with ctx.db.unit_of_work() as s:
        return rowcount(s.execute(delete(StaffToken).where(StaffToken.staff_id == staff_id)))


def approving_manager(ctx: StoreContext, approval: dict[str, str] | None, what: str) -> Actor:
    """The manager whose code and PIN approve `what` (refused for anyone else, PIN tries counted)."""
    if not approval or not approval.get("staff_code") or not approval.get("pin"):
        raise Forbidden("approval_required", f"{what} needs a manager's code and PIN")
    staff = _check_pin(ctx, approval["staff_code"], approval["pin"])
    if staff.role != "manager":
        raise Forbidden("not_a_manager", f"staff {staff.code} is not a manager and cannot approve {what}")
    return Actor(staff.id, staff.code, staff.name, staff.role, "")


def manager_approval(ctx: StoreContext, actor: Actor, approval: dict[str, str] | None, what: str) -> str:
    """The approving manager's staff id; a manager at the till approves their own act with their PIN too."""
    return approving_manager(ctx, approval, what).staff_id
