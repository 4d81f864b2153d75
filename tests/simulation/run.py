"""Run seeded simulations: `python -m tests.simulation.run --seed N --count K` (seeds N .. N+K-1).

Prints one line per seed; a failing seed prints what broke and the command that replays it. Exit status 1 if any
seed failed. Seeds run in `--jobs` worker processes (default: one per CPU); each seed's history is the same
whichever worker runs it.
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import os
import sys
import time
from collections.abc import Iterator
from typing import Any

from tests.simulation.sim import Outcome, new_seed, simulate


def _one(job: tuple[int, dict[str, Any]]) -> Outcome:
    seed, options = job
    return simulate(seed, **options)


def run_seeds(seeds: list[int], jobs: int = 0, **options: Any) -> Iterator[Outcome]:
    """Outcomes in seed order, from `jobs` processes (0 = one per CPU; 1 = in this process)."""
    jobs = jobs or os.cpu_count() or 1
    work = [(seed, options) for seed in seeds]
    if jobs == 1 or len(seeds) == 1:
        yield from map(_one, work)
        return
    with multiprocessing.get_context("spawn").Pool(jobs, initializer=_quiet) as pool:
        yield from pool.imap(_one, work, chunksize=1)


def _quiet() -> None:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tests.simulation.run", description=__doc__.splitlines()[0])
    p.add_argument("--seed", type=int, default=None, help="first seed (default: a random one, printed)")
    p.add_argument("--count", type=int, default=10, help="how many seeds, from --seed on")
    p.add_argument("--steps", type=int, default=60, help="operations per history")
    p.add_argument("--fault-rate", type=float, default=0.06, help="chance of each kind of fault per request")
    p.add_argument("--jobs", type=int, default=0, help="worker processes (default: one per CPU)")
    p.add_argument(
        "--central",
        choices=("sqlite", "postgresql"),
        default="sqlite",
        help="central's database: a SQLite file, or PostgreSQL at OMNITOKO_TEST_PG (default: the local "
        "test server); each worker process makes databases of its own there",
    )
    args = p.parse_args(argv)
    _quiet()
    first = new_seed() if args.seed is None else args.seed
    started, failed = time.perf_counter(), []
    seeds = list(range(first, first + args.count))
    for outcome in run_seeds(seeds, args.jobs, steps=args.steps, fault_rate=args.fault_rate, backend=args.central):
        print(outcome.summary(), flush=True)
        if not outcome.ok:
            failed.append(outcome.seed)
    took = time.perf_counter() - started
    print(
        f"{args.count - len(failed)}/{args.count} seeds passed in {took:.1f} s"
        + (f"; failed: {', '.join(map(str, failed))}" if failed else "")
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
