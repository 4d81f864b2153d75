"""Benchmarks that print figures (never asserts on timing).

Convention: each bench/<name>.py has `run() -> list[dict]`, one dict per figure, with keys
  name, value, unit, goal            (goal is a short text such as ">= 0.5" or "< 30 ms", or "")
  baseline, ratio                    (optional: what the figure is compared with, and value / baseline)
and is runnable alone as `python -m bench.<name>`; `python -m bench.run_all` (`make bench`) runs them all
and prints one table. Scratch files go under var/bench/ (same disk as the repo; git-ignored).
"""

from __future__ import annotations

import os
import re
import statistics
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SCRATCH = ROOT / "var" / "bench"

Row = dict[str, Any]


def scratch_dir(name: str) -> Path:
    """A fresh, empty directory var/bench/<name> for one script's files."""
    path = SCRATCH / name
    path.mkdir(parents=True, exist_ok=True)
    for old in path.iterdir():
        if old.is_file():
            old.unlink()
    return path


@contextmanager
def pg_schema(base_url: str, prefix: str) -> Iterator[tuple[str, str]]:
    """A fresh schema on the PostgreSQL at `base_url` for one bench run: (its URL, its name), dropped at the end."""
    from sqlalchemy import create_engine, text

    schema = f"{prefix}_{os.getpid()}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        c.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{base_url}?options=-csearch_path%3D{schema}", schema
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def row(
    name: str, value: float, unit: str, goal: str = "", baseline: str | None = None, ratio: float | None = None
) -> Row:
    out: Row = {"name": name, "value": value, "unit": unit, "goal": goal}
    if baseline is not None:
        out["baseline"] = baseline
    if ratio is not None:
        out["ratio"] = ratio
    return out


def percentile(samples: list[float], pct: float) -> float:
    """The pct-th percentile (inclusive method), e.g. pct=95 for p95."""
    if len(samples) < 2:
        return samples[0]
    return statistics.quantiles(samples, n=100, method="inclusive")[int(pct) - 1]


def _fmt(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, float):
        if abs(value) >= 100:
            return f"{value:,.0f}"
        if abs(value) >= 1:
            return f"{value:.2f}"
        return f"{value:.3f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


# A goal as the scripts write it: "< 1 s", ">= 2.5", "<= 26 (configured bound)", "0"; a bare number is "==".
_GOAL = re.compile(r"^\s*(<=|>=|<|>|==)?\s*(\d[\d,]*(?:\.\d+)?)\s*(ms|s|MB|kB)?\s*(?:\(.*\))?\s*$")
_SCALE = {"ms": 0.001, "s": 1.0, "kB": 1e3, "MB": 1e6}


def verdict(r: Row) -> str:
    """The row's goal with "(met)" or "(NOT met)" after it, judged on the ratio when the row has one and the goal no
    unit, else on the value (ms against s converted); as given when it says so already or does not parse."""
    goal = str(r.get("goal") or "")
    found = _GOAL.match(goal)
    if not goal or "met)" in goal or found is None:
        return goal
    op, number, unit = found.group(1) or "==", float(found.group(2).replace(",", "")), found.group(3)
    value = float(r["ratio"] if unit is None and r.get("ratio") is not None else r["value"])
    row_unit = str(r.get("unit", "")).split(" ", 1)[0]
    if unit and row_unit != unit:
        if unit not in _SCALE or row_unit not in _SCALE:
            return goal
        number = number * _SCALE[unit] / _SCALE[row_unit]
    ok = {"<": value < number, "<=": value <= number, ">": value > number, ">=": value >= number, "==": value == number}
    return f"{goal} ({'met' if ok[op] else 'NOT met'})"


def format_table(rows: list[Row], script_column: bool = False) -> str:
    """A plain-text table (also valid Markdown) of the rows."""
    head = (["bench"] if script_column else []) + ["figure", "value", "unit", "ratio", "compared with", "goal"]
    body = [
        ([r.get("script", "")] if script_column else [])
        + [
            r["name"],
            _fmt(r["value"]),
            r.get("unit", ""),
            _fmt(r.get("ratio")),
            r.get("baseline", "") or "",
            verdict(r),
        ]
        for r in rows
    ]
    widths = [max(len(str(c)) for c in col) for col in zip(head, *body, strict=True)]
    numeric = {head.index("value"), head.index("ratio")}

    def line(cells: list[str]) -> str:
        return (
            "| "
            + " | ".join(
                str(c).rjust(w) if i in numeric else str(c).ljust(w)
                for i, (c, w) in enumerate(zip(cells, widths, strict=True))
            )
            + " |"
        )

    sep = "|" + "|".join(("-" * (w + 1) + ":") if i in numeric else ("-" * (w + 2)) for i, w in enumerate(widths)) + "|"
    return "\n".join([line(head), sep, *(line(b) for b in body)])


def print_table(rows: list[Row], title: str = "") -> None:
    if title:
        print(title)
    print(format_table(rows))
