"""Run every bench/*.py script that has `run()` and print one combined table (`make bench`).

python -m bench.run_all              # all scripts
python -m bench.run_all checkout     # only the named ones
"""

from __future__ import annotations

import importlib
import sys
import time
import traceback
from pathlib import Path

from bench import Row, format_table

HERE = Path(__file__).resolve().parent
NOT_BENCHES = {"__init__", "run_all"}


def scripts() -> list[str]:
    return sorted(p.stem for p in HERE.glob("*.py") if p.stem not in NOT_BENCHES and not p.stem.startswith("_"))


def main(argv: list[str] | None = None) -> int:
    wanted = (argv if argv is not None else sys.argv[1:]) or scripts()
    rows: list[Row] = []
    failed: list[str] = []
    for name in wanted:
        module = importlib.import_module(f"bench.{name}")
        if not callable(getattr(module, "run", None)):
            continue
        print(f"bench.{name} ...", flush=True)
        started = time.perf_counter()
        try:
            got = module.run()
        except Exception:  # noqa: BLE001 - one broken bench must not hide the others' figures
            traceback.print_exc()
            failed.append(name)
            continue
        print(f"bench.{name} done in {time.perf_counter() - started:.1f} s", flush=True)
        rows += [{**r, "script": name} for r in got]
    print()
    print(format_table(rows, script_column=True))
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
