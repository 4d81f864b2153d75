"""Setting central up (epoch, admin), stores and their tokens, and a new epoch after a restore."""

from __future__ import annotations

import hashlib
import re
import secrets
import time
import uuid
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Connection, Integer, bindparam, func, or_, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from central.tables import AdminUser, Alert, CentralMeta, DeadLetter, Location, ReconciliationItem, Store
from common.contract.names import ONLINE_LOCATION, Topic
from common.db import driver_message
from common.errors import Conflict, DomainError, Forbidden, NotFound, Unauthorized

from . import statements
from .context import CentralContext
from .feed import FeedChange, append
from .payloads import REFUSED_ALERT

STORE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")
ONLINE = ONLINE_LOCATION


def hash_token(token: str) -> str:
    # Tokens are 256 random bits: a plain SHA-256 cannot be reversed or guessed, and lookups stay one index probe.
    return hashlib.sha256(token.encode()).hexdigest()


def ensure_meta(ctx: CentralContext) -> str:
    """The meta row with a first epoch, and the online shop's stock location; returns the epoch."""
    with ctx.db.unit_of_work() as s:
        meta = s.get(CentralMeta, 1)
        if meta is None:
            meta = CentralMeta(
                id=1, epoch=str(uuid.uuid4()), feed_seq=0, created_at=ctx.clock(), epoch_changed_at=ctx.clock()
            )
            s.add(meta)
        if s.get(Location, ONLINE) is None:
            s.add(Location(code=ONLINE, name="Toko Online", kind="online"))
        return meta.epoch


class Unavailable(DomainError):
    status = 503


def health(ctx: CentralContext) -> dict[str, str]:
    """Up with its epoch, or a 503 naming why the database does not answer (reading the epoch proves it does)."""
    try:
        with ctx.db.sessions() as s:
            return {"status": "ok", "epoch": str(s.scalar(select(CentralMeta.epoch).where(CentralMeta.id == 1)))}
    except DBAPIError as e:
        # The driver's first line ends with the cause ("Connection refused", "timeout expired"); the host and
        # port before it stay out of a public answer.
        reason = driver_message(e).rsplit(": ", 1)[-1]
        raise Unavailable("database_unavailable", f"the central store's database does not answer: {reason}") from None


CONTACT_STAMP_SECONDS = 60.0


def audience(session: Session, ctx: CentralContext, store_id: str) -> list[str]:
    """The locations whose stock figures this store's feed carries: its neighbours as the admin set them, or
    else the [sync] neighbours store locations of its region nearest to it in code order (half before, half
    after), so each store's figures reach about that many stores, never the whole chain. A location with no
    store row (a warehouse, say) counts as region-less. A few small indexed reads per pull."""
    row = session.execute(select(Store.region, Store.neighbours).where(Store.id == store_id)).first()
    return [] if row is None else audience_of(session, ctx, store_id, row.region, row.neighbours)


def audience_of(
    session: Session | Connection, ctx: CentralContext, store_id: str, region: str | None, neighbours: str | None
) -> list[str]:
    """`audience` from the store row's region and neighbours already read (a pull's probe reads them)."""
    if neighbours is not None:
        return [n for n in (x.strip() for x in neighbours.split(",")) if n and n != store_id]
    wanted = ctx.config.sync.neighbours
    if wanted <= 0:
        return []
    values = {"b_store": store_id, "b_region": region, "b_n": wanted}
    before = list(session.scalars(_nearby(region is None, before=True), values))
    after = list(session.scalars(_nearby(region is None, before=False), values))
    take_before = min(len(before), max(wanted // 2, wanted - len(after)))
    return sorted(before[:take_before] + after[: wanted - take_before])


def pickup_stores(session: Session) -> dict[str, str]:
    """The stores a shopper may collect an order from, code -> name: those registered and active, so running a
    store server that can hand it over (a location with no store server, like the demo's TOKO-02, is not offered)."""
    rows = session.execute(
        select(Location.code, Location.name)
        .join(Store, Store.id == Location.code)
        .where(Location.kind == "store", Store.active.is_(True))
        .order_by(Location.code)
    )
    return {code: name or code for code, name in rows}


@cache
def _nearby(no_region: bool, before: bool) -> Any:
    """Store locations of the region (b_region) just before or after b_store in code order, b_n of them: built
    once (building it per pull cost more than running it)."""
    same = Store.region.is_(None) if no_region else Store.region == bindparam("b_region")
    side = Location.code < bindparam("b_store") if before else Location.code > bindparam("b_store")
    return (
        select(Location.code)
        .outerjoin(Store, Store.id == Location.code)
        .where(Location.kind == "store", same, or_(Store.id.is_(None), Store.active), side)
        .order_by(Location.code.desc() if before else Location.code)
        .limit(bindparam("b_n", type_=Integer))
    )


def set_neighbours(ctx: CentralContext, store_id: str, region: str | None, neighbours: list[str] | None) -> None:
    """The admin's choice for one store: a region (nearest by region) and/or an explicit neighbour list."""
    with ctx.db.unit_of_work() as s:
        known = set(s.scalars(select(Store.id).where(Store.id.in_([store_id, *(neighbours or [])]))))
        missing = sorted({store_id, *(neighbours or [])} - known)
        if missing:
            raise NotFound("unknown_store", f"no such store: {', '.join(missing)}")
        s.execute(
            update(Store)
            .where(Store.id == store_id)
            .values(region=region, neighbours=None if neighbours is None else ",".join(neighbours))
        )


def note_contact(ctx: CentralContext, store_id: str) -> None:
    """Record that the store pulled: at most once a minute per process, in a transaction of its own."""
    now = time.monotonic()
    if now - ctx.contact_stamped.get(store_id, -CONTACT_STAMP_SECONDS) < CONTACT_STAMP_SECONDS:
        return
    ctx.contact_stamped[store_id] = now
    with ctx.db.unit_of_work() as s:
        s.execute(update(Store).where(Store.id == store_id).values(last_pull_at=ctx.clock()))


def new_epoch(ctx: CentralContext) -> str:
    """Run after restoring a backup: agents see the new epoch, re-push what central lacks and re-pull."""
    epoch = str(uuid.uuid4())
    with ctx.db.unit_of_work() as s:
        s.execute(update(CentralMeta).where(CentralMeta.id == 1).values(epoch=epoch, epoch_changed_at=ctx.clock()))
    return epoch


def add_store(ctx: CentralContext, store_id: str, name: str = "", rotate: bool = False) -> str:
    """Register a store (and its stock location); returns its new token, which is shown only once."""
    if not STORE_ID.match(store_id):
        raise DomainError("bad_store_id", "a store id is 1-32 letters, digits, '-' or '_'")
    token = secrets.token_urlsafe(32)
    with ctx.db.unit_of_work() as s:
        store = s.get(Store, store_id)
        if store is not None and not rotate:
            raise Conflict("store_exists", f"store {store_id} is already registered; use --rotate for a new token")
        if store is None:
            s.add(Store(id=store_id, name=name or store_id, token_hash=hash_token(token), created_at=ctx.clock()))
        else:
            store.token_hash = hash_token(token)
        if s.get(Location, store_id) is None:
            s.add(Location(code=store_id, name=name or store_id, kind="store"))
        if store is None:  # every store learns of it: stock can be transferred to it
            append(
                s, ctx, [FeedChange(Topic.STORE, store_id, {"id": store_id, "name": name or store_id, "active": True})]
            )
    return token


def rotate_store_token(ctx: CentralContext, store_id: str) -> str:
    """A new token for a registered store (the old one stops working at once); shown only once."""
    with ctx.db.sessions() as s:
        if s.get(Store, store_id) is None:
            raise NotFound(
                "unknown_store",
                f"store {store_id} is not registered at the central store (see `omnitoko central add-store`)",
            )
    return add_store(ctx, store_id, rotate=True)


def token_digest(token: str | None) -> str:
    """The hash a bearer token is looked up by; 401 when the request carries none."""
    if not token:
        raise Unauthorized("missing_token", "send the store's token as 'Authorization: Bearer <token>'")
    return hash_token(token)


def admitted(store: Any) -> str:
    """The store id of the row a token's hash found (`id` and `active`); 401 for none, 403 for a disabled store."""
    if store is None or store.id is None:
        raise Unauthorized(
            "bad_token", "this token is not valid at the central store (see `omnitoko central add-store`)"
        )
    if not store.active:
        raise Forbidden("store_disabled", f"store {store.id} is disabled at the central store")
    return str(store.id)


def authenticate(ctx: CentralContext, token: str | None) -> str:
    """The store id a bearer token belongs to; 401 for a missing or wrong token, 403 for a disabled store.
    Checked against the database on every request (a rotated or disabled token stops at once, on every worker):
    one indexed read in autocommit straight through the driver, two columns."""
    return admitted(ctx.db.read_row(statements.store_by_token(), {"b_token": token_digest(token)}))


def check_store(ctx: CentralContext, token_store: str, claimed: str, act: str = "push for") -> None:
    """A token only speaks for its own store."""
    if claimed == token_store:
        return
    with ctx.db.sessions() as s:
        known = s.get(Store, claimed) is not None
    if not known:
        raise NotFound("unknown_store", f"store {claimed} is not registered at the central store")
    raise Forbidden("wrong_store", f"this token belongs to store {token_store}; it cannot {act} store {claimed}")


def store_overview(ctx: CentralContext) -> list[dict[str, Any]]:
    """Every store with its last sync and what needs a person's eye."""
    with ctx.db.sessions() as s:
        dead = dict(
            s.execute(
                select(DeadLetter.store_id, func.count())
                .where(DeadLetter.resolved_at.is_(None))
                .group_by(DeadLetter.store_id)
            ).all()
        )
        recon = dict(
            s.execute(
                select(ReconciliationItem.location, func.count())
                .where(ReconciliationItem.resolved_at.is_(None))
                .group_by(ReconciliationItem.location)
            ).all()
        )
        stores = list(s.scalars(select(Store).order_by(Store.id)))
        refused = refusals(s)
        none: Refusals = (0, None, None, None, None)
        return [
            {
                "id": st.id,
                "name": st.name,
                "active": st.active,
                "last_seq": st.last_seq,
                "last_push_at": st.last_push_at,
                "last_pull_at": st.last_pull_at,
                "last_device": st.last_device,
                "dead_letters": int(dead.get(st.id, 0)),
                "reconciliation": int(recon.get(st.id, 0)),
                **dict(zip(REFUSAL_FIELDS, refused.get(st.id, none), strict=True)),
            }
            for st in stores
        ]


# Per store: how many events the checks refused, and the latest's message, time, event type and refusal code (the
# admin page says the last two in the admin's words; the message is central's English, for the logs and the API).
Refusals = tuple[int, str | None, datetime | None, str | None, str | None]
REFUSAL_FIELDS = ("refused", "last_refusal", "last_refusal_at", "last_refusal_type", "last_refusal_code")


def refusals(s: Session) -> dict[str, Refusals]:
    """Per store: events central's checks refused (each raised an alert), and the latest reason, time, type, code."""
    counts = dict(
        s.execute(
            select(Alert.store_id, func.count()).where(Alert.kind == REFUSED_ALERT).group_by(Alert.store_id)
        ).all()
    )
    out: dict[str, Refusals] = {}
    for store_id, n in counts.items():
        last = s.execute(
            select(Alert.message, Alert.created_at, DeadLetter.type, DeadLetter.code)
            .outerjoin(DeadLetter, DeadLetter.event_id == Alert.event_id)
            .where(Alert.kind == REFUSED_ALERT, Alert.store_id == store_id)
            .order_by(Alert.created_at.desc(), Alert.id)
            .limit(1)
        ).one()
        out[store_id] = (int(n), last[0], last[1], last[2], last[3])
    return out


def set_admin(ctx: CentralContext, username: str, password: str) -> None:
    """Create the admin or change their password (every session of theirs ends); the password rules are
    admin_auth's."""
    from .admin_auth import set_password

    set_password(ctx, username, password, create=True)


def has_admin(ctx: CentralContext) -> bool:
    with ctx.db.sessions() as s:
        return s.execute(select(func.count()).select_from(AdminUser)).scalar_one() > 0
