"""A day as Indonesian staff write and read it: 23/11/2026 (UX.md: dates as `23/11/2026 14:05`).

Every date field of the back offices (the manager's reports and audit log, head office's sales, cash, settlements
and transfers) and the till's transaction search read a day with `parse_day` and show it with `day_text`. A browser's
own date field shows the browser's format (12/06/2026 on an English-US browser is June), so the pages use a text
field in this format, and `parse_day` also takes the ISO form (2026-11-23) that older links and bookmarks carry.
"""

from __future__ import annotations

import re
from datetime import date

from .errors import DomainError

HINT = "dd/mm/yyyy"
# 23/11/2026, 23-11-2026, 23.11.2026, 23/11/26, and 23/11 (this year); or ISO 2026-11-23.
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2}|\d{4}))?$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
MAX_CHARS = 20  # of a typed day quoted back in a refusal
# The years a day may name: a business's records from 2000 to 2100 (a year like 0001 or 9999 is a slip of the keys,
# and turning its days into UTC would overflow).
FIRST_YEAR, LAST_YEAR = 2000, 2100


def parse_day(text: str | None, today: date | None = None) -> date | None:
    """The day typed in `text`; None when nothing was typed. A day without a year is in `today`'s year (refused
    when no `today` is given); a two-digit year is this century's. Anything else is a 400 `bad_date` that says how
    to write one."""
    raw = (text or "").strip()
    if not raw:
        return None
    if m := _ISO.match(raw):
        year, month, day = int(m[1]), int(m[2]), int(m[3])
    elif (m := _DMY.match(raw)) and (m[3] or today is not None):
        day, month = int(m[1]), int(m[2])
        year = int(m[3]) if m[3] else (today.year if today else 0)  # without a year, today is given (above)
        year += 2000 if year < 100 else 0
    else:
        shown = raw[:MAX_CHARS]
        example = "23/11 or 23/11/2026" if today is not None else "23/11/2026"
        raise DomainError("bad_date", f"type a date as {example}, not {shown!r}", value=shown)
    try:
        typed = date(year, month, day)
    except ValueError:
        shown = raw[:MAX_CHARS]
        raise DomainError("bad_date", f"{shown!r} is not a date", value=shown) from None
    if not FIRST_YEAR <= typed.year <= LAST_YEAR:  # a slip of the keys (0001, 9999): no report covers it
        shown = raw[:MAX_CHARS]
        raise DomainError("bad_date", f"{shown!r} is not a date of the years 2000 to 2100", value=shown)
    return typed


def day_text(day: date | None) -> str:
    """A day as the date fields show it: 23/11/2026 ("" for none)."""
    return f"{day:%d/%m/%Y}" if day else ""


def day_shown(value: date | str | None) -> str:
    """What a date field shows: a day (or an ISO day from a link) as 23/11/2026; anything else as it was typed, so a
    refused entry is there to correct."""
    if isinstance(value, date):
        return day_text(value)
    raw = (value or "").strip()
    if _ISO.match(raw):
        try:
            return day_text(parse_day(raw))
        except DomainError:
            return raw
    return raw
