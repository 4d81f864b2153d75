"""Kiosks are registered devices: a manager makes a short-lived pairing code, a kiosk trades it (once) for a device
token, and every kiosk request that prints, holds stock, sends carts or touches points shows that token. The
manager lists and revokes devices; each paired kiosk may print and send carts only so often a minute."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from common import throttle_table as throttle
from common.db import rowcount
from common.errors import DomainError, Forbidden, NotFound, TooManyRequests, Unauthorized
from common.tables import new_id
from common.throttle import Policy, refuse_waiting, say_duration, wait_seconds
from pos.adapters.tables import KioskDevice, KioskPairingCode, SignInThrottle

from .auth import Actor
from .context import StoreContext
from .records import audit

HEADER = "X-Kiosk-Device"
# No 0/O or 1/I: a manager reads the code aloud or off the screen. 8 of 32 symbols = 40 bits, alive minutes.
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
NAME = re.compile(r"^[0-9A-Za-z_\-]{1,32}$")
ACTIONS = ("print", "cart")
# Wrong pairing codes from one address: a few free, then growing waits (a manager lifts the lock at /manager/locks).
GUESS_POLICY = Policy(free=5, lock_after=15, lock=timedelta(minutes=15))


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _normal_code(raw: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", (raw or "").upper())


def shown(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def new_pairing_code(ctx: StoreContext, created_by: str, minutes: int | None = None) -> dict[str, Any]:
    """A new code (shown once; only its hash is kept) that pairs one kiosk within `pairing_minutes`."""
    code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    now = ctx.clock()
    expires = now + timedelta(minutes=minutes or ctx.config.kiosk.pairing_minutes)
    with ctx.db.unit_of_work() as s:
        s.add(KioskPairingCode(code_hash=_hash(code), created_by=created_by, created_at=now, expires_at=expires))
        audit(s, ctx, "kiosk_pairing_code", requested_by=created_by, detail={"expires_at": expires.isoformat()})
    return {"code": shown(code), "expires_at": expires, "minutes": minutes or ctx.config.kiosk.pairing_minutes}


def pair(ctx: StoreContext, code: str, name: str, address: str = "") -> dict[str, Any]:
    """Trade a pairing code for a device token (returned once). A code pairs one kiosk: of two kiosks typing
    it at the same moment, one wins; the other is refused like a wrong code."""
    name = (name or "").strip() or "kiosk"
    if not NAME.match(name):
        raise DomainError("bad_device_name", "a kiosk name is 1-32 letters, digits, '-' or '_'")
    wanted = _normal_code(code)
    if not wanted:
        raise DomainError("missing_field", "type the pairing code shown on the manager page (Kiosks)")
    key = f"kiosk:{address}"
    with ctx.db.unit_of_work() as s:
        waiting = throttle.wait_left(s, SignInThrottle, key, ctx.clock())
    if waiting is not None:
        raise refuse_waiting(waiting[0], GUESS_POLICY.locks(waiting[1]), "pairing from this address", "a manager")
    token, now = secrets.token_urlsafe(32), ctx.clock()
    with ctx.db.unit_of_work() as s:
        # One conditional UPDATE: the first kiosk to use the code takes it; expired or used codes match nothing.
        taken = rowcount(
            s.execute(
                update(KioskPairingCode)
                .where(
                    KioskPairingCode.code_hash == _hash(wanted),
                    KioskPairingCode.used_at.is_(None),
                    KioskPairingCode.expires_at > now,
                )
                .values(used_at=now)
            )
        )
        if not taken:
            throttle.record_failure(s, SignInThrottle, key, now, GUESS_POLICY)
        else:
            row = s.get(KioskPairingCode, _hash(wanted))
            device = KioskDevice(
                id=new_id(), name=name, token_hash=_hash(token), paired_at=now, paired_by=row.created_by if row else ""
            )
            s.add(device)
            audit(s, ctx, "kiosk_paired", requested_by=device.paired_by, ref_id=device.id, detail={"name": name})
            paired = {"device_id": device.id, "name": name, "token": token}
    if not taken:
        raise Forbidden(
            "bad_pairing_code",
            "this pairing code is wrong, used or expired: ask a manager for a new one (manager page, Kiosks)",
        )
    return paired


def _device(s: Session, token: str | None) -> KioskDevice:
    if not token:
        raise Unauthorized(
            "kiosk_not_paired",
            "this kiosk is not paired with the store: price checks only. A manager pairs it (manager page, Kiosks)",
        )
    device = s.scalar(select(KioskDevice).where(KioskDevice.token_hash == _hash(token)))
    if device is None:
        raise Unauthorized(
            "kiosk_not_paired", "this kiosk's device token is unknown here: pair it again (manager page, Kiosks)"
        )
    if device.revoked_at is not None:
        raise Forbidden(
            "kiosk_revoked", f"kiosk {device.name} was unpaired by a manager: pair it again to use it", name=device.name
        )
    return device


def admit(ctx: StoreContext, token: str | None, actions: tuple[str, ...] = ()) -> dict[str, str]:
    """The paired kiosk a token names, counted against its per-minute limits for `actions` (print, cart)."""
    with ctx.db.sessions() as s:
        device = _device(s, token)
        who = {"device_id": device.id, "name": device.name}
    if not ctx.has_printer:  # nothing prints here, so only carts are counted
        actions = tuple(a for a in actions if a != "print")
    cfg = ctx.config.kiosk
    limits = {"print": cfg.prints_per_minute, "cart": cfg.carts_per_minute}
    wait = ctx.kiosk_rates.take([(f"{device.id}:{a}", limits[a]) for a in actions], ctx.clock())
    if wait is not None:
        seconds = wait_seconds(wait)  # rounded up: the kiosk never comes back too early
        err = TooManyRequests(
            "kiosk_rate_limited",
            f"this kiosk is busy: wait {say_duration(wait)}, then try again (it may print, send or open only so many "
            "carts a minute)",
            wait=say_duration(wait),
            wait_seconds=seconds,  # the kiosk page says it in the shopper's language
        )
        err.retry_after = seconds  # the Retry-After header
        raise err
    return who


def devices(ctx: StoreContext) -> list[dict[str, Any]]:
    """Every kiosk ever paired here, live ones first, newest first."""
    with ctx.db.sessions() as s:
        rows = s.scalars(
            select(KioskDevice).order_by(KioskDevice.revoked_at.is_not(None), KioskDevice.paired_at.desc())
        )
        return [
            {"id": d.id, "name": d.name, "paired_at": d.paired_at, "revoked_at": d.revoked_at, "paired_by": d.paired_by}
            for d in rows
        ]


def revoke(ctx: StoreContext, actor: Actor, device_id: str) -> dict[str, Any]:
    """Unpair a kiosk: its token is refused from its next request on (audit logged). Revoking twice is a no-op."""
    with ctx.db.unit_of_work() as s:
        device = s.get(KioskDevice, device_id[:36])
        if device is None:
            raise NotFound("unknown_kiosk", "no such kiosk")
        if device.revoked_at is None:
            device.revoked_at = ctx.clock()
            audit(s, ctx, "kiosk_revoked", requested_by=actor.staff_id, approved_by=actor.staff_id, ref_id=device.id)
        return {"id": device.id, "name": device.name, "revoked_at": device.revoked_at}
