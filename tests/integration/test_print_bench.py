"""bench/receipt.py runs (a few renders) and gives rows run_all can print; its receipt really is 40 lines
with a QR code that decodes. No timing is asserted."""

from __future__ import annotations

import sys
from pathlib import Path

from fake_printer import decode_qr

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # bench/ is run from the repo (`python -m bench.run_all`), not installed
    sys.path.insert(0, str(ROOT))

from bench import format_table, receipt  # noqa: E402
from pos.adapters.config import PrinterTable  # noqa: E402
from pos.adapters.printing import render_receipt  # noqa: E402


def test_the_receipt_bench_runs_small_and_reports_every_figure() -> None:
    rows = receipt.run(runs=5)
    assert all({"name", "value", "unit", "goal"} <= set(r) for r in rows)
    assert all(r["value"] > 0 for r in rows)
    goal = next(r for r in rows if r["name"].startswith("40-line receipt + QR") and "median" in r["name"])
    assert goal["goal"] == "< 5 ms" and goal["unit"] == "ms"
    table = format_table([{**r, "script": "receipt"} for r in rows], script_column=True)
    assert table.count("\n") == len(rows) + 1


def test_the_benched_receipt_has_forty_lines_and_a_working_qr() -> None:
    model = receipt.forty_line_receipt()
    assert len(model.lines) == 40
    assert decode_qr(render_receipt(model, PrinterTable(columns=48))) == [receipt.URL]
