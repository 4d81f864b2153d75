"""Where a test run's time went: `python -m tests.times FILE` (FILE written by OMNITOKO_TEST_TIMES=FILE pytest)."""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path


def main(path: str, top: int = 40) -> None:
    by_file: dict[str, float] = defaultdict(float)
    by_test: dict[str, float] = defaultdict(float)
    for row in Path(path).read_text(encoding="utf-8").splitlines():
        seconds, _, _, nodeid = row.split("\t", 3)
        by_file[nodeid.split("::")[0]] += float(seconds)
        by_test[nodeid] += float(seconds)
    total = sum(by_file.values())
    print(f"{total:,.0f} s in {len(by_test)} tests")
    for name, s in sorted(by_file.items(), key=lambda kv: -kv[1])[:top]:
        print(f"{s:8.1f} s {100 * s / total:5.1f}%  {name}")
    print()
    for name, s in sorted(by_test.items(), key=lambda kv: -kv[1])[:top]:
        print(f"{s:8.1f} s  {name}")


if __name__ == "__main__":
    main(sys.argv[1], *(int(a) for a in sys.argv[2:3]))
