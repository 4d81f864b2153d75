"""Admin sign-in with throttling per admin and per address, server-side sessions, password changes and locks.

The session cookie holds only a random token; the row behind it is deleted by sign-out, a password change or
disabling the admin, so a copied cookie stops working at once.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from functools import cache
from typing import Any

from sqlalchemy import delete, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from central.tables import AdminSession, AdminUser, SignInThrottle
from common import throttle_table as throttle
from common.errors import DomainError, NotFound, Unauthorized
from common.throttle import Policy, refuse_waiting

from .context import CentralContext

TOUCH_EVERY = timedelta(seconds=60)  # the last use is written at most this often
MIN_PASSWORD = 12
WHO_LIFTS = "another admin"


@cache
def _dummy_hash() -> str:
    return generate_password_hash(secrets.token_hex(8))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _policies(ctx: CentralContext) -> tuple[Policy, Policy]:
    sec = ctx.config.security
    lock = timedelta(minutes=sec.lock_minutes)
    return (
        Policy(free=sec.free_attempts, lock_after=max(sec.lock_after, sec.free_attempts), lock=lock),
        Policy(free=sec.address_attempts, lock_after=3 * sec.address_attempts, lock=lock),
    )


def check_password_strength(username: str, password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise DomainError("weak_password", f"an admin password has at least {MIN_PASSWORD} characters")
    if username and username.lower() in password.lower():
        raise DomainError("weak_password", "an admin password may not contain the user name")


def sign_in(ctx: CentralContext, username: str, password: str, address: str) -> str:
    """A new session token; refused while the admin or the address must wait (the message says how long)."""
    account, addr = f"admin:{username}", f"addr:{address}"
    (account_policy, address_policy), now = _policies(ctx), ctx.clock()
    with ctx.db.unit_of_work() as s:
        for key, policy, what in ((addr, address_policy, "this address"), (account, account_policy, "this admin")):
            waiting = throttle.wait_left(s, SignInThrottle, key, now)
            if waiting is not None:
                raise refuse_waiting(waiting[0], policy.locks(waiting[1]), what, WHO_LIFTS)
        user = s.scalar(select(AdminUser).where(AdminUser.username == username))
        right = check_password_hash(user.password_hash if user is not None else _dummy_hash(), password)
        if right and user is not None and user.active:
            throttle.clear(s, SignInThrottle, account)
            token = secrets.token_urlsafe(32)
            s.add(AdminSession(token_hash=_digest(token), admin_id=user.id, created_at=now, last_seen_at=now))
            return token
        failures, wait = throttle.record_failure(s, SignInThrottle, account, now, account_policy)
        throttle.record_failure(s, SignInThrottle, addr, now, address_policy)
    if wait:
        raise refuse_waiting(wait, account_policy.locks(failures), "this admin", WHO_LIFTS)
    raise Unauthorized("bad_credentials", "Wrong username or password.")


def current_admin(ctx: CentralContext, token: object) -> str:
    """The user name behind a session token, while the session lasts and the admin exists and is active."""
    if not isinstance(token, str) or not token:
        raise Unauthorized("signed_out", "sign in first")
    sec, now, digest = ctx.config.security, ctx.clock(), _digest(token)
    with ctx.db.sessions() as s:
        row = s.execute(
            select(AdminSession, AdminUser)
            .join(AdminUser, AdminUser.id == AdminSession.admin_id)
            .where(AdminSession.token_hash == digest)
        ).first()
    if (
        row is None
        or not row[1].active
        or row[0].created_at + timedelta(hours=sec.session_hours) < now
        or row[0].last_seen_at + timedelta(minutes=sec.idle_minutes) < now
    ):
        raise Unauthorized("signed_out", "your session has ended; sign in again")
    if row[0].last_seen_at < now - TOUCH_EVERY:
        with ctx.db.unit_of_work() as s:
            s.execute(update(AdminSession).where(AdminSession.token_hash == digest).values(last_seen_at=now))
    return row[1].username


def sign_out(ctx: CentralContext, token: object) -> None:
    if isinstance(token, str):
        with ctx.db.unit_of_work() as s:
            s.execute(delete(AdminSession).where(AdminSession.token_hash == _digest(token)))


def _user(s: Any, username: str) -> AdminUser:
    user = s.scalar(select(AdminUser).where(AdminUser.username == username))
    if user is None:
        raise NotFound("unknown_admin", f"there is no admin {username!r}")
    return user


def set_password(ctx: CentralContext, username: str, password: str, create: bool = False) -> bool:
    """Create the admin (if `create`) or change the password; every session of theirs ends. True if created."""
    check_password_strength(username, password)
    with ctx.db.unit_of_work() as s:
        user = s.scalar(select(AdminUser).where(AdminUser.username == username))
        if user is None and not create:
            raise NotFound("unknown_admin", f"there is no admin {username!r}")
        if user is None:
            s.add(AdminUser(username=username, password_hash=generate_password_hash(password), created_at=ctx.clock()))
            return True
        user.password_hash = generate_password_hash(password)
        s.execute(delete(AdminSession).where(AdminSession.admin_id == user.id))
        throttle.clear(s, SignInThrottle, f"admin:{username}")
        return False


def set_active(ctx: CentralContext, username: str, active: bool) -> None:
    """Disable (every session ends at once) or enable an admin."""
    with ctx.db.unit_of_work() as s:
        user = _user(s, username)
        user.active = active
        if not active:
            s.execute(delete(AdminSession).where(AdminSession.admin_id == user.id))


def locks(ctx: CentralContext) -> list[dict[str, Any]]:
    with ctx.db.sessions() as s:
        return throttle.locked_keys(s, SignInThrottle, ctx.clock())


def lift_lock(ctx: CentralContext, key: str) -> bool:
    with ctx.db.unit_of_work() as s:
        return throttle.clear(s, SignInThrottle, key)
