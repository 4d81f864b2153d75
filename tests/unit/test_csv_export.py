"""CSV for spreadsheets: weighed quantities in kg that read as numbers, formulas neutralised, numbers kept."""

from __future__ import annotations

import csv
import io

import pytest

from common.csv_export import csv_text, kg, safe


@pytest.mark.parametrize(
    ("grams", "text"), [(30_000, "30"), (845, "0.845"), (-200_050, "-200.05"), (1_250, "1.25"), (0, "0")]
)
def test_grams_become_kg_a_spreadsheet_reads_as_a_number(grams: int, text: str) -> None:
    assert kg(grams) == text and float(text) * 1000 == grams


@pytest.mark.parametrize(
    "cell", ["=1+2+cmd|' /C calc'!A0", "+1+1", "-1+cmd|' /C calc'!A0", "@SUM(A1:A2)", "\t=1", "\r=1", "-"]
)
def test_a_cell_a_spreadsheet_would_run_starts_with_an_apostrophe(cell: str) -> None:
    assert safe(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["-3", "-200.05", "+5", "SJ-0001", "Apel Fuji", ""])
def test_numbers_and_plain_text_are_left_as_they_are(cell: str) -> None:
    assert safe(cell) == cell


def test_a_table_keeps_negative_numbers_and_puts_the_unit_before_the_quantities() -> None:
    columns = [("name", "text"), ("price", "money"), ("qty", "signed"), ("balance", "int")]
    rows = [
        {"name": "=HYPERLINK(1)", "price": -500, "qty": -3, "balance": 76, "measure": "unit"},
        {"name": "Apel Fuji", "price": 42_000, "qty": -200_050, "balance": 30_000, "measure": "weight"},
    ]
    out = list(csv.reader(io.StringIO(csv_text(columns, rows, str.upper))))
    assert out == [
        ["NAME", "PRICE", "UNIT", "QTY", "BALANCE"],
        ["'=HYPERLINK(1)", "-500", "pcs", "-3", "76"],
        ["Apel Fuji", "42000", "kg", "-200.05", "30"],
    ]
