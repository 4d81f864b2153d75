"""bench/member_search.py runs end to end (a few thousand members) and gives rows run_all can print. No timing is
asserted: what it checks is that every figure is there."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from synckit import PG_BASE, require_postgresql

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # bench/ is run from the repo (`python -m bench.run_all`), not installed
    sys.path.insert(0, str(ROOT))

from bench import format_table, member_search  # noqa: E402

KEYS = {"name", "value", "unit", "goal"}


def test_the_member_search_bench_runs_small_and_reports_every_figure(monkeypatch: pytest.MonkeyPatch) -> None:
    require_postgresql()
    monkeypatch.setattr(member_search, "PG", PG_BASE)
    monkeypatch.setattr(member_search, "N_MEMBERS", 3_000)
    monkeypatch.setattr(member_search, "REPEAT", 2)
    rows = member_search.run()

    assert all(set(r) >= KEYS for r in rows)
    names = " / ".join(r["name"] for r in rows)
    for figure in ("3,000 members", "trigram indexes built", "common name part", "rare name part", "phone"):
        assert figure in names, figure
    assert "member number" in names and "CSV first chunk" in names and "whole CSV" in names
    timed = [r for r in rows if r.get("baseline")]
    assert len(timed) == 7 and all(r["value"] > 0 and r["ratio"] > 0 and "p95" in r["name"] for r in timed)
    assert next(r for r in rows if "plan reads" in r["name"])["value"] in (0, 1)  # 3,000: reading them all is cheaper
    table = format_table([{**r, "script": "member_search"} for r in rows], script_column=True)
    assert table.count("\n") == len(rows) + 1 and "| member_search |" in table
