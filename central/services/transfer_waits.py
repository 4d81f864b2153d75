"""A transfer step that reached central before the step it follows (only after central was restored from a backup:
the stores push again what it lost, in no order between stores) is refused as `unknown_transfer` and waits as a
dead letter; once the transfer arrives, the waiting steps are applied again, each once."""

from __future__ import annotations

from sqlalchemy import select

from central.tables import DeadLetter
from common.contract.names import EventType

from . import dead_letters
from .context import CentralContext
from .envelope import Event

STARTS = (EventType.TRANSFER_REQUESTED, EventType.TRANSFER_SENT)  # the steps that make a transfer known
FOLLOWS = (EventType.TRANSFER_DECLINED, EventType.TRANSFER_SENT, EventType.TRANSFER_RECEIVED)


def retry_waiting(ctx: CentralContext, applied: list[Event]) -> int:
    """Apply again the steps that waited for the transfers these applied events made known; how many took."""
    ids = {str(ev.payload.get("transfer_id")) for ev in applied if ev.type in STARTS}
    if not ids:
        return 0
    with ctx.db.sessions() as s:
        waiting = list(
            s.execute(
                select(DeadLetter.event_id, DeadLetter.payload)
                .where(
                    DeadLetter.type.in_(FOLLOWS),
                    DeadLetter.code == "unknown_transfer",
                    DeadLetter.resolved_at.is_(None),
                )
                .order_by(DeadLetter.store_seq)
            )
        )
    done = 0
    for event_id, payload in waiting:
        if any(i in payload for i in ids):
            done += int(dead_letters.retry(ctx, event_id)["retried"])
    return done
