"""bench/checkout.py runs end to end (tiny sizes) and gives rows run_all can print. No timing is asserted."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # bench/ is run from the repo (`python -m bench.run_all`), not installed
    sys.path.insert(0, str(ROOT))

import bench  # noqa: E402
from bench import checkout, format_table  # noqa: E402

KEYS = {"name", "value", "unit", "goal"}


def test_the_checkout_bench_runs_small_and_reports_every_figure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bench, "SCRATCH", tmp_path)
    rows = checkout.run(rounds=1, raw_rows=20, sales_per_round=3, catalog=300, scans=5)

    assert all(set(r) >= KEYS for r in rows)
    names = " / ".join(r["name"] for r in rows)
    for figure in ("raw SQLite", "whole sale", "complete()", "p95", "ceiling"):
        assert figure in names
    assert all(r["value"] > 0 for r in rows if r["unit"] != "" and "load" not in r["name"])
    sales = next(r for r in rows if "whole sale" in r["name"])
    assert sales["goal"] and sales["ratio"] > 0 and sales["baseline"]
    assert "626 products" in names  # the demo catalog (321 by the item, 5 weighed or label-priced) plus the bulk ones
    table = format_table([{**r, "script": "checkout"} for r in rows], script_column=True)
    assert table.count("\n") == len(rows) + 1 and "| checkout |" in table
