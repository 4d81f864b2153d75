"""What central's checks on a store event can refuse it for: the code on the wire and a line a manager can read.

Central answers a refused event with one of these codes and dead-letters it; the store's sync page shows the
line beside central's reason, and central flags the store. One list, so neither side spells a code alone.
"""

from __future__ import annotations

REFUSALS: dict[str, str] = {
    "other_store": "names another store",
    "other_device": "comes from another till than the one it names",
    "foreign_number": "has a receipt number of another store or till",
    "other_store_shift": "names a shift of another store or till",
    "bad_quantity": "has a quantity below 1",
    "amount_out_of_range": "has an amount below zero or above the largest allowed",
    "line_does_not_add_up": "has a line whose net is not quantity x price less its discounts",
    "totals_do_not_add_up": "has totals its lines do not add up to",
    "unknown_tax_group": "names a tax group central does not have",
    "tax_does_not_add_up": "has tax that is not the tax per group of its lines",
    "bad_tender": "has a payment of an unknown kind or amount",
    "bad_rounding": "has a cash rounding line cash rounding cannot give",
    "tenders_do_not_add_up": "says a different amount paid than its payments add up to",
    "tenders_exceed_total": "was paid more than its total other than in cash",
    "underpaid": "was not paid in full",
    "wrong_change": "gives change that is not paid minus due",
    "unknown_sale": "names a sale central does not have",
    "other_store_sale": "names a sale of another store",
    "unknown_line": "names a line that is not on its sale",
    "refund_exceeds_sold": "refunds more items than are left of the sale line",
    "refund_exceeds_paid": "refunds more money than is left of the sale line",
    "refund_does_not_add_up": "pays back a different amount than its lines come to",
    "member_not_on_sale": "is for a member who is not on the sale",
    "already_earned": "earns points a second time for one sale",
    "points_not_by_rule": "earns other points than central's earn rule gives",
    "unknown_refund": "names a refund central does not have for the sale",
    "reversal_exceeds_earned": "takes back more points than the sale earned",
    "restore_exceeds_redeemed": "gives back more points than the sale was paid with",
    "redeem_exceeds_tender": "redeems more points than the sale's points payments",
    "no_hold": "redeems points online without a hold",
    "no_allowance": "redeems points offline without an allowance",
    "hold_mismatch": "redeems points under a hold that is not its own for those points",
    "other_allowance": "redeems points under another store's or member's allowance",
    "allowance_exceeded": "redeems more points offline than the store's allowance",
    "qris_not_confirmed": "has a dynamic QRIS payment the gateway did not confirm for the sale",
    "qris_refund_not_sent": "pays back by QRIS a refund central never sent to the gateway",
}
