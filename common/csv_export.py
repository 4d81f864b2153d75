"""A table as CSV for a spreadsheet: headers in the reader's words (columns always in the same order), money as whole
Rupiah, times as ISO 8601, a weighed product's quantities in kg beside a unit column, and no cell a spreadsheet would
run as a formula (OWASP "CSV injection")."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from common.measure import WEIGHT

QUANTITY_KINDS = ("int", "signed")  # the kinds fmt.cell shows in kg on a weighed product's row
UNIT = "unit"  # the unit column's kind
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def csv_text(
    columns: list[tuple[str, str]],
    rows: list[dict[str, Any]],
    header: Callable[[str], str] | None = None,
    units: dict[str, str] | None = None,
) -> str:
    """`header` names a column by its key (default: the key); `units` names a row's unit by its measure ("weight"
    and "unit"): a table whose rows carry a measure gets a unit column before its first quantity."""
    return "".join(csv_chunks(columns, [rows], header, units))


def csv_chunks(
    columns: list[tuple[str, str]],
    chunks: Iterable[list[dict[str, Any]]],
    header: Callable[[str], str] | None = None,
    units: dict[str, str] | None = None,
) -> Iterator[str]:
    """csv_text a chunk of rows at a time, for a table too long to hold at once (streamed as it is read): the
    header line, then each chunk's lines. The unit column is there when the first chunk's rows carry a measure."""
    words = {WEIGHT: "kg", "unit": "pcs", **(units or {})}
    shown: list[tuple[str, str]] | None = None
    for rows in chunks:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        if shown is None:
            shown = with_unit_column(columns, rows)
            w.writerow([safe(header(key) if header else key) for key, _ in shown])
        for r in rows:
            measure = r.get("measure")
            w.writerow([_cell(r, key, kind, measure, words) for key, kind in shown])
        yield buf.getvalue()
    if shown is None:  # no chunk at all: the header alone
        yield from csv_chunks(columns, [[]], header, units)


def csv_line(cells: list[str]) -> str:
    """One more line for a table csv_chunks streamed (a note after its rows), its cells made safe."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerow([safe(c) for c in cells])
    return buf.getvalue()


def with_unit_column(columns: list[tuple[str, str]], rows: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """The columns, with (unit, unit) before the first quantity when the rows carry a measure."""
    first = next((i for i, (_, kind) in enumerate(columns) if kind in QUANTITY_KINDS), None)
    if first is None or not any("measure" in r for r in rows):
        return columns
    return [*columns[:first], (UNIT, UNIT), *columns[first:]]


def kg(grams: int) -> str:
    """Grams as kg a spreadsheet reads as a number: 30000 -> 30, -200050 -> -200.05, 845 -> 0.845."""
    text = format(Decimal(int(grams)).scaleb(-3).normalize(), "f")
    return "0" if text == "-0" else text


def safe(text: str) -> str:
    """A text cell that a spreadsheet would read as a formula, quoted with a leading apostrophe; plain numbers kept."""
    if text.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def _cell(row: dict[str, Any], key: str, kind: str, measure: str | None, words: dict[str, str]) -> Any:
    if kind == UNIT:
        return words[WEIGHT] if measure == WEIGHT else words["unit"]
    value = row.get(key)
    if value is None:
        return ""
    if kind in QUANTITY_KINDS and measure == WEIGHT and isinstance(value, int):
        return kg(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return safe(";".join(f"{k}={v}" for k, v in value.items()))
    if isinstance(value, str):
        return safe(value)
    return value
