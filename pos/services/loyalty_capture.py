"""Capturing a points hold when its sale completes: a direct call to central inside the sale's transaction.

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
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from pos.adapters.central_loyalty import Refused, Unreachable, client_for
from pos.adapters.tables import LoyaltyRedemption
from common.errors import Conflict

from .context import StoreContext
from .loyalty import CentralUnavailable
from .loyalty_redeem import allowance_left


def capture(s: Session, ctx: StoreContext, r: LoyaltyRedemption) -> None:
    """Capture the online hold of `r` (a redemption on the sale being completed) or make it an offline one."""
    if r.mode != "online" or not r.hold_id:
        return
    client = client_for(ctx.config)
    try:
        if client is None:
            raise Unreachable("not connected")
        client.capture(r.hold_id, r.sale_id)
        return
    except Refused as e:
        raise Conflict("points_hold_lapsed", f"the points hold for {r.points} points is no longer held at the "
                                             f"central store ({e.message}): take the points payment off and use "
                                             "the points again", points=r.points) from e
    except Unreachable:
        pass
    a, left = allowance_left(s, ctx, r.member_id)
    if a is None or left < r.points:
        raise CentralUnavailable(
            "central_unreachable", "the central store cannot confirm the points payment now"
            + (f" (offline, at most {left} points)" if left else "") + ": take the points payment off and take "
            "another payment", allowance=left)
    r.mode, r.allowance_id = "offline", a.id
