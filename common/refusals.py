"""What central's checks on a store event can refuse it for: the code on the wire and a line a manager can read.

Central answers a refused event with one of these codes and dead-letters it; the store's sync page shows the
line beside central's reason, and central flags the store. One list, so neither side spells a code alone; the
lines a person reads are in the `errors` catalog (`refusal.<code>`), in both languages.
"""

from __future__ import annotations

from .i18n import text

REFUSALS: frozenset[str] = frozenset(
    {
        "other_store",
        "other_device",
        "foreign_number",
        "other_store_shift",
        "bad_quantity",
        "amount_out_of_range",
        "line_does_not_add_up",
        "wrong_measure",
        "totals_do_not_add_up",
        "unknown_tax_group",
        "tax_does_not_add_up",
        "bad_tender",
        "bad_rounding",
        "tenders_do_not_add_up",
        "tenders_exceed_total",
        "underpaid",
        "wrong_change",
        "unknown_sale",
        "other_store_sale",
        "unknown_line",
        "refund_exceeds_sold",
        "refund_exceeds_paid",
        "refund_does_not_add_up",
        "member_not_on_sale",
        "already_earned",
        "points_not_by_rule",
        "unknown_refund",
        "reversal_exceeds_earned",
        "restore_exceeds_redeemed",
        "redeem_exceeds_tender",
        "no_hold",
        "no_allowance",
        "hold_mismatch",
        "other_allowance",
        "allowance_exceeded",
        "other_store_order",
        "wrong_code",
        "not_in_order",
        "substitute_costs_more",
        "moves_not_picked",
        "unknown_transfer",
        "other_store_transfer",
        "transfer_state",
        "transfer_to_self",
        "unknown_store",
        "transfer_exists",
        "transfer_lines_mismatch",
        "qris_not_confirmed",
        "qris_refund_not_sent",
        "unknown_cash_reason",
        "wrong_cash_direction",
        "approval_missing",
        "shift_closed",
    }
)


def why(code: str, lang: str) -> str:
    """What a refused event did wrong, as a predicate ("has totals its lines do not add up to"), in `lang`
    (catalog `errors`, keys `refusal.<code>`); "" for a code that is not a refusal."""
    return text("errors", lang, f"refusal.{code}") if code in REFUSALS else ""
