"""Every goal in `make bench`'s table says whether this run met it, so a figure short of its goal cannot be missed."""

from __future__ import annotations

from bench import format_table, row, verdict


def test_each_goal_is_judged_on_its_value_or_ratio_in_the_goal_s_unit() -> None:
    assert verdict(row("push p99", 30.83, "ms", "< 1 s")) == "< 1 s (met)"
    assert verdict(row("push p99", 1_200.0, "ms", "< 1 s")) == "< 1 s (NOT met)"
    assert verdict(row("drain / raw", 2.01, "x", ">= 2.5", "raw insert", 2.01)) == ">= 2.5 (NOT met)"
    assert verdict(row("drain / raw", 2.55, "x", ">= 2.5", "raw insert", 2.55)) == ">= 2.5 (met)"
    assert verdict(row("errors", 0.0, "errors", "0")) == "0 (met)"
    assert verdict(row("requests", 2.0, "requests", "1")) == "1 (NOT met)"
    assert verdict(row("connections", 24.0, "connections", "<= 26 (configured bound)")) == (
        "<= 26 (configured bound) (met)"
    )
    assert verdict(row("first pull", 13.15, "MB", "< 50 MB")) == "< 50 MB (met)"
    assert verdict(row("idle pull CPU", 0.41, "ms (+ 0.14 ms PostgreSQL)", "< 1 ms")) == "< 1 ms (met)"


def test_a_goal_judged_by_its_script_or_not_a_figure_is_left_as_it_is() -> None:
    assert verdict(row("complete()", 793.0, "sales/s", ">= 0.25 (NOT met)", "raw", 0.058)) == ">= 0.25 (NOT met)"
    assert verdict(row("load", 1.3, "on 2 CPUs")) == ""
    assert verdict(row("store", 5.0, "stores", "<= 5 (+ the shop)")) == "<= 5 (+ the shop) (met)"
    assert verdict(row("speed", 3.0, "furlongs", "< 2 parsecs")) == "< 2 parsecs"  # a unit it cannot convert
    assert "| < 1 s (NOT met) |" in format_table([row("push p99", 2_000.0, "ms", "< 1 s")])
