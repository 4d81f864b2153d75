"""What one simulated history did and what broke, and the refusals a random history runs into on purpose."""

from __future__ import annotations

from collections import Counter as Tally
from dataclasses import dataclass, field

# Refusals a random history runs into on purpose, and that a till or the shop shows the person in front of it.
EXPECTED = {
    "refund_exceeds_sold",
    "already_refunded",  # a line refunded in full already (the till names it so since the Transaksi screen)
    "nothing_to_redeem",
    "points_exceed_due",
    "insufficient_points",
    "central_unreachable",
    "cart_checked_out",
    "cart_claimed",
    "online_cart_stale_lease",
    "cart_paid_elsewhere",
    "cart_expired",
    "one_online_cart",
    "unknown_cart",
    "cart_not_open",
    "online_cart_moved_on",
    "unknown_member",
    "cart_in_store",
    "points_hold_lapsed",
    "out_of_stock",  # paying online for more than the online shop holds
    "cart_paying",  # the cart is already being paid online
    "cart_paying_online",  # a till cannot take a cart while the shopper pays it online
    "gateway_refused",  # a restored central numbered an order again that the gateway already has
    "not_enough_stock",  # a transfer of more than the store holds
}


@dataclass
class Outcome:
    seed: int
    ops: Tally = field(default_factory=Tally)
    faults: Tally = field(default_factory=Tally)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def replay(self) -> str:
        return f".venv/bin/python -m tests.simulation.run --seed {self.seed} --count 1"

    def summary(self) -> str:
        ops = ", ".join(f"{k} {v}" for k, v in sorted(self.ops.items()))
        faults = ", ".join(f"{k} {v}" for k, v in sorted(self.faults.items())) or "none"
        head = f"seed {self.seed}: {'ok' if self.ok else 'FAILED'} ({ops}; faults: {faults})"
        if self.ok:
            return head
        return head + "\n  " + "\n  ".join(self.problems) + f"\n  replay: {self.replay()}"
