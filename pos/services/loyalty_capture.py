"""Capturing a points hold when its sale completes: asked of central before the sale's transaction opens.

A hold lasts `hold_minutes` on central's clock. Were it only posted by the sale's outbox event, a sale that
reached central late (the store offline for an hour) would find its hold lapsed and its points free again: the
same points spendable twice, with no allowance bounding it. So the completing sale captures its hold first,
as a card payment is captured:

- central captures it: the hold now waits `captured_hold_days` for the sale's event, which posts it;
- central refuses (the hold lapsed or was released): the sale does not complete; the cashier takes the points
  payment off and uses the points again (a new hold);
- central cannot be reached: the redemption becomes an offline one against this store's allowance for the
  member, if what is left of it covers the points (central books it against the allowance and releases the
  hold when the event arrives); if not, the sale does not complete and the cashier takes another payment
  (taking the points payment off releases the hold, in case the capture got there).

No transaction is open during the call (`capture_at_central`, run by `complete()` before its write transaction):
a slow central never holds the store's write lock. `capture()` then records central's answer inside the sale's
transaction. A crash between the two leaves the sale open and the hold captured at central, keyed by its hold
id: completing the sale again captures it again (central answers the same for the same hold) and records it
(retry); taking the points payment off or voiding the sale releases it instead (the outbox's
`loyalty.released`; central still accepts a release of a captured hold).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from common.errors import Conflict
from pos.adapters.central_loyalty import Refused, Unreachable, client_for
from pos.adapters.tables import LoyaltyAllowance, LoyaltyRedemption

from .central_outcome import CentralSteps, taken
from .context import StoreContext
from .loyalty import CentralUnavailable
from .loyalty_redeem import allowance_left


@dataclass(frozen=True)
class PendingHold:
    hold_id: str
    member_id: str
    points: int


def pending_holds(s: Session, sale_id: str, in_use: set[str], steps: CentralSteps) -> list[PendingHold]:
    """The online holds of the sale's points payments that central has not been asked to capture yet."""
    asked = steps.captured | steps.unreachable
    return [
        PendingHold(r.hold_id, r.member_id, r.points)
        for r in s.scalars(
            select(LoyaltyRedemption).where(
                LoyaltyRedemption.sale_id == sale_id,
                LoyaltyRedemption.state == "held",
                LoyaltyRedemption.mode == "online",
                LoyaltyRedemption.hold_id.is_not(None),
            )
        )
        if r.hold_id and r.tender_id in in_use and r.hold_id not in asked
    ]


def capture_at_central(ctx: StoreContext, holds: list[PendingHold], steps: CentralSteps) -> None:
    """Ask central to capture each hold (no transaction open); a refusal stops the sale here, before anything
    else is asked of central; an unreachable central leaves the offline allowance to decide."""
    client = client_for(ctx.config)
    for h in holds:
        try:
            if client is None:
                raise Unreachable("not connected")
            client.capture(h.hold_id, steps.sale_id)
            steps.captured.add(h.hold_id)
        except Refused as e:
            raise Conflict(
                "points_hold_lapsed",
                f"the points hold for {h.points} points is no longer held at the "
                f"central store ({e.message}): take the points payment off and "
                "use the points again",
                points=h.points,
            ) from e
        except Unreachable:
            steps.unreachable.add(h.hold_id)
    offline = [h for h in holds if h.hold_id in steps.unreachable]
    if offline:
        # Refused now rather than after an online cart is checked out at central for a sale that cannot finish.
        with ctx.db.sessions() as s:
            for h in offline:
                _allowance_covering(s, ctx, h.member_id, h.points)


def _allowance_covering(s: Session, ctx: StoreContext, member_id: str, points: int) -> LoyaltyAllowance:
    a, left = allowance_left(s, ctx, member_id)
    if a is None or left < points:
        raise CentralUnavailable(
            "central_unreachable",
            "the central store cannot confirm the points payment now"
            + (f" (offline, at most {left} points)" if left else "")
            + ": take the points payment off and take "
            "another payment",
            allowance=left,
        )
    return a


def capture(s: Session, ctx: StoreContext, r: LoyaltyRedemption) -> None:
    """Record central's answer for the online hold of `r` (a redemption on the sale being completed): captured,
    or an offline redemption against the allowance."""
    if r.mode != "online" or not r.hold_id:
        return
    steps = taken(s, r.sale_id)
    if r.hold_id in steps.captured:
        return
    if r.hold_id not in steps.unreachable:  # a points payment made after central was asked
        raise Conflict("sale_changed", "the points payment changed while the sale was being completed; try again")
    r.mode, r.allowance_id = "offline", _allowance_covering(s, ctx, r.member_id, r.points).id
