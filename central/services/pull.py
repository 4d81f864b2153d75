"""A store's pull: the changes after its cursor, and its high-water store_seq; with nothing new, nothing is written.

A pull starts with one statement (`statements.pull_probe`), read in autocommit (no BEGIN, no ROLLBACK): the store
found by its token's hash (the token is checked on every request, against the database), the feed's epoch and
head, whether anything waits (a change for a number, a figure of the store for publishing), its last seq and its
neighbours. An idle pull (the cursor at the head, nothing waiting) is answered from that alone. Otherwise the page
is one more statement (plus the nearest-neighbour lookup for a store with no neighbour list): still no write
unless something waits, which `catch_up` numbers or publishes first.
"""

from __future__ import annotations

from typing import Any

from common.errors import Forbidden, Unauthorized

from . import feed, statements, stock, store_health, stores
from .context import CentralContext


def probe(ctx: CentralContext, store_id: str) -> Any:
    """`pull_probe` for a store found by its id."""
    return ctx.db.read_row(statements.pull_probe(), {"b_store": store_id})


def probe_by_token(ctx: CentralContext, token: str | None) -> Any:
    """`pull_probe` for the store the bearer token belongs to (401 without a token); a row either way (the meta
    row), its store columns empty when no store has the token."""
    return ctx.db.read_row(statements.pull_probe(by_token=True), {"b_store": stores.token_digest(token)})


def catch_up(ctx: CentralContext, store_id: str, probed: Any) -> bool:
    """Before a page is read: figures a crashed push left unpublished go out, and waiting changes get a number.
    Returns whether it wrote (the head read by the probe is then behind)."""
    if probed.unpublished:
        stock.publish_to_feed(ctx, store_id)
    if probed.unpublished or probed.pending:
        feed.sequence(ctx)
        return True
    return False


def pull_with_token(ctx: CentralContext, token: str | None, cursor: int, limit: int) -> tuple[str, dict[str, Any]]:
    """The pull of the store the bearer token belongs to (401 / 403 as `stores.authenticate`): its id and page."""
    probed = probe_by_token(ctx, token)
    store_id = stores.admitted(probed)
    return store_id, answer(ctx, store_id, probed, cursor, limit)


def idle_with_token(ctx: CentralContext, token: str, cursor: int) -> tuple[str, dict[str, Any]] | None:
    """The answer to a pull with nothing new (its store id and page), or None when the pull finds something or the
    token is refused: `pull_with_token` then answers (or refuses) it the full way. Writes nothing but the contact
    stamp (once a minute per process)."""
    probed = probe_by_token(ctx, token)
    try:
        store_id = stores.admitted(probed)
    except (Unauthorized, Forbidden):
        return None
    if not _idle(probed, cursor):
        return None
    stores.note_contact(ctx, store_id)
    return store_id, _idle_page(probed)


def with_report(ctx: CentralContext, store_id: str, page: dict[str, Any], cursor: int, report: str | None) -> Any:
    """A pull's answer: the page and the clock check; the agent's report (its status header) noted on the way."""
    store_health.note_report(ctx, store_id, report, cursor)
    return {**page, "clock": store_health.clock_check(ctx, report)}


def _idle(probed: Any, cursor: int) -> bool:
    return cursor == probed.feed_seq and not probed.pending and not probed.unpublished


def _idle_page(probed: Any) -> dict[str, Any]:
    head = int(probed.feed_seq)  # what feed.page answers at the head, without reading the audience
    return {
        "epoch": probed.epoch,
        "cursor": head,
        "head": head,
        "more": False,
        "changes": [],
        "store_seq": int(probed.last_seq or 0),
    }


def pull(ctx: CentralContext, store_id: str, cursor: int, limit: int) -> dict[str, Any]:
    """One page of changes for the store (found by its id) and its high-water store_seq."""
    return answer(ctx, store_id, probe(ctx, store_id), cursor, limit)


def answer(ctx: CentralContext, store_id: str, probed: Any, cursor: int, limit: int) -> dict[str, Any]:
    limit = max(1, min(limit, ctx.config.sync.pull_page_max))
    last_seq = int(probed.last_seq or 0)
    stores.note_contact(ctx, store_id)  # at most once a minute per process: an idle pull rarely writes
    if _idle(probed, cursor):
        return _idle_page(probed)
    if catch_up(ctx, store_id, probed):
        with ctx.db.sessions() as s:
            page = feed.page(s, store_id, cursor, limit, stores.audience(s, ctx, store_id))
        return {**page, "store_seq": last_seq}
    # Nothing waited: the probe's head was read first, so the page up to it is whole (feed.py says why).
    with ctx.db.read() as c:
        audience = stores.audience_of(c, ctx, store_id, probed.region, probed.neighbours)
        rows = c.execute(*feed.page_query(store_id, cursor, int(probed.feed_seq), limit, audience)).all()
    return {**feed.page_of(rows, probed.epoch, int(probed.feed_seq), limit), "store_seq": last_seq}
