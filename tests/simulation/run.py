"""Run seeded simulations: `python -m tests.simulation.run --seed N --count K` (seeds N .. N+K-1).

Prints one line per seed; a failing seed prints what broke and the command that replays it. Exit status 1 if any
seed failed.
"""
from __future__ import annotations

import argparse
import logging
import sys
import time

from tests.simulation.sim import new_seed, simulate


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tests.simulation.run", description=__doc__.splitlines()[0])
    p.add_argument("--seed", type=int, default=None, help="first seed (default: a random one, printed)")
    p.add_argument("--count", type=int, default=10, help="how many seeds, from --seed on")
    p.add_argument("--steps", type=int, default=40, help="operations per history")
    p.add_argument("--fault-rate", type=float, default=0.08, help="chance of each kind of fault per request")
    args = p.parse_args(argv)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request would bury the results
    first = new_seed() if args.seed is None else args.seed
    started, failed = time.perf_counter(), []
    for seed in range(first, first + args.count):
        outcome = simulate(seed, steps=args.steps, fault_rate=args.fault_rate)
        print(outcome.summary(), flush=True)
        if not outcome.ok:
            failed.append(seed)
    took = time.perf_counter() - started
    print(f"{args.count - len(failed)}/{args.count} seeds passed in {took:.1f} s"
          + (f"; failed: {', '.join(map(str, failed))}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
