"""Settling a sale: change from cash, split tenders, cash rounding, and tenders that cannot be right."""

from __future__ import annotations

import pytest

from common.errors import DomainError
from pos.domain.tenders import Tender, check_new_tender, settle


def test_cash_over_the_total_gives_change() -> None:
    st = settle(17_500, [Tender("cash", 20_000)])
    assert (st.due, st.paid, st.change, st.remaining, st.is_paid) == (17_500, 20_000, 2_500, 0, True)


def test_exact_cash_gives_no_change() -> None:
    st = settle(17_500, [Tender("cash", 17_500)])
    assert st.change == 0 and st.is_paid


def test_too_little_leaves_the_rest_to_pay() -> None:
    st = settle(17_500, [Tender("cash", 10_000)])
    assert st.remaining == 7_500 and not st.is_paid and st.change == 0


def test_a_sale_can_be_split_over_card_qris_ewallet_and_cash() -> None:
    tenders = [Tender("card", 10_000), Tender("qris", 5_000), Tender("ewallet", 2_000, "OVO-1"), Tender("cash", 5_000)]
    st = settle(20_500, tenders)
    assert st.paid == 22_000 and st.change == 1_500 and st.remaining == 0


def test_cash_rounding_adds_its_own_line_when_the_rest_is_paid_in_cash() -> None:
    down = settle(12_340, [Tender("cash", 20_000)], rounding_unit=100)
    assert (down.rounding, down.due, down.change) == (-40, 12_300, 7_700)
    up = settle(12_350, [Tender("cash", 20_000)], rounding_unit=100)
    assert (up.rounding, up.due, up.change) == (50, 12_400, 7_600)


def test_cash_rounding_applies_only_to_the_part_paid_in_cash() -> None:
    st = settle(12_345, [Tender("card", 10_000), Tender("cash", 2_300)], rounding_unit=100)
    assert st.rounding == -45 and st.due == 12_300 and st.change == 0 and st.is_paid


def test_no_rounding_when_nothing_is_paid_in_cash_or_rounding_is_off() -> None:
    assert settle(12_345, [Tender("card", 12_345)], rounding_unit=100).rounding == 0
    assert settle(12_345, [Tender("cash", 20_000)], rounding_unit=0).rounding == 0


def test_a_card_payment_cannot_be_more_than_is_still_due() -> None:
    with pytest.raises(DomainError) as err:
        check_new_tender(17_500, [Tender("cash", 10_000)], Tender("card", 7_501))
    assert err.value.code == "tender_exceeds_due"
    check_new_tender(17_500, [Tender("cash", 10_000)], Tender("card", 7_500))


@pytest.mark.parametrize("kind", ["card", "qris", "ewallet"])
def test_no_non_cash_payment_is_taken_once_the_sale_is_paid(kind: str) -> None:
    with pytest.raises(DomainError) as err:
        check_new_tender(17_500, [Tender("cash", 20_000)], Tender(kind, 1, "REF-1"))
    assert err.value.code == "tender_exceeds_due"


def test_cash_may_be_more_than_is_due() -> None:
    check_new_tender(17_500, [], Tender("cash", 100_000))


def test_an_ewallet_payment_needs_its_reference() -> None:
    for ref in (None, "", "   "):
        with pytest.raises(DomainError) as err:
            check_new_tender(17_500, [], Tender("ewallet", 17_500, ref))
        assert err.value.code == "reference_required"
    check_new_tender(17_500, [], Tender("ewallet", 17_500, "GOPAY-123"))


@pytest.mark.parametrize(
    ("tender", "code"),
    [
        (Tender("cash", 0), "bad_amount"),
        (Tender("cash", -500), "bad_amount"),
        (Tender("cheque", 1_000), "bad_tender"),
    ],
)
def test_a_tender_of_nothing_or_of_an_unknown_type_is_refused(tender: Tender, code: str) -> None:
    with pytest.raises(DomainError) as err:
        check_new_tender(17_500, [], tender)
    assert err.value.code == code


def test_cash_that_would_give_a_note_or_more_in_change_is_refused() -> None:
    # An EAN-8 barcode scanned into the amount (Rp 89.901.234 for a Rp 17.500 sale), or an extra note handed over.
    for given in (89_901_234, 117_500):
        with pytest.raises(DomainError) as err:
            check_new_tender(17_500, [], Tender("cash", given), largest_note=100_000)
        assert err.value.code == "change_too_large"
        assert err.value.detail == {"amount": given, "change": given - 17_500, "largest": 100_000}
    check_new_tender(17_500, [], Tender("cash", 117_499), largest_note=100_000)  # Rp 99.999 change: one note


def test_the_change_check_counts_what_is_already_paid_and_the_cash_rounding() -> None:
    paid_by_card = [Tender("card", 10_000)]
    with pytest.raises(DomainError):  # Rp 2.345 left after the card: Rp 102.345 in cash gives Rp 100.000 back
        check_new_tender(12_345, paid_by_card, Tender("cash", 102_345), largest_note=100_000)
    # rounded down to Rp 2.300 due in cash: Rp 102.299 gives Rp 99.999 back
    check_new_tender(12_345, paid_by_card, Tender("cash", 102_299), rounding_unit=100, largest_note=100_000)
    with pytest.raises(DomainError):
        check_new_tender(12_345, paid_by_card, Tender("cash", 102_300), rounding_unit=100, largest_note=100_000)


def test_no_largest_note_means_any_change() -> None:
    check_new_tender(17_500, [], Tender("cash", 89_901_234))
