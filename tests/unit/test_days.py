"""Days as Indonesian staff type and read them (common.days): 23/11/2026 in every date field, whatever the
browser's language; the ISO form older links carry still works."""

from __future__ import annotations

from datetime import date

import pytest

from common.days import day_shown, day_text, parse_day
from common.errors import DomainError

TODAY = date(2026, 12, 6)


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("23/11/2026", date(2026, 11, 23)),
        ("1/12/2026", date(2026, 12, 1)),  # 1 December, never 12 January
        ("01-12-2026", date(2026, 12, 1)),
        ("1.12.26", date(2026, 12, 1)),
        (" 23/11 ", date(2026, 11, 23)),  # this year
        ("2026-11-23", date(2026, 11, 23)),  # a link or bookmark from before
        ("", None),
        (None, None),
    ],
)
def test_a_day_is_read_day_first_as_staff_write_it(typed: str | None, day: date | None) -> None:
    assert parse_day(typed, TODAY) == day


@pytest.mark.parametrize(
    "typed",
    ["31/02/2026", "32/1/2026", "12/13/2026", "kemarin", "2026/11/23", "1/2/3", "9" * 40, "0001-01-01", "31/12/9999"],
)
def test_what_is_not_a_day_is_refused_saying_how_to_type_one(typed: str) -> None:
    with pytest.raises(DomainError) as refused:
        parse_day(typed, TODAY)
    said = refused.value.message
    assert refused.value.code == "bad_date" and ("type a date as 23/11" in said or "is not a date" in said), said
    assert len(str(refused.value.detail["value"])) <= 20  # quoted back, never a whole pasted page


def test_without_a_today_a_day_needs_its_year() -> None:
    with pytest.raises(DomainError, match="23/11/2026"):
        parse_day("23/11")
    assert parse_day("23/11/2026") == date(2026, 11, 23)


def test_fields_show_days_day_first_and_keep_what_was_typed_wrong() -> None:
    assert day_text(date(2026, 12, 1)) == "01/12/2026"
    assert day_shown(date(2026, 12, 1)) == "01/12/2026"
    assert day_shown("2026-12-01") == "01/12/2026"  # from a link
    assert day_shown("31/02/2026") == "31/02/2026"  # refused: shown back to correct
    assert day_shown("2026-02-31") == "2026-02-31"
    assert day_shown(None) == "" and day_text(None) == ""
