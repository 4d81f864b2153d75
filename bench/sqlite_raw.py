"""The raw SQLite side of bench.checkout: what the disk gives with no work of ours.

- `raw_commit_rate`: single-row INSERT + COMMIT per second, the store's pragmas (WAL, synchronous=FULL): the
  baseline issue 18's ratios are taken against;
- `RawSale`: raw transactions that write as many WAL pages as one of the store's whole sales (its edits in
  NORMAL commits, its completion in one FULL commit) and nothing else: the highest ratios this disk allows a sale
  that writes that many pages, whatever its CPU. A disk whose flush costs more with each page (a virtual disk
  that writes each page as its own request) caps the ratios below the goals; one whose flush is a fixed cost
  leaves room to CPU.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from common.tables import new_id


def raw_commit_rate(con: sqlite3.Connection, rows: int) -> tuple[float, float]:
    """Single-row INSERT + COMMIT per second with the store's pragmas (WAL, synchronous=FULL), and the CPU
    milliseconds per commit (CPU time hardly moves with other load on the machine; wall time does)."""
    start, cpu = time.perf_counter(), time.process_time()
    for i in range(rows):
        con.execute("BEGIN IMMEDIATE")
        con.execute("INSERT INTO facts VALUES (?, ?, ?)", (new_id(), i, "a fact of about forty bytes of text"))
        con.execute("COMMIT")
    return rows / (time.perf_counter() - start), (time.process_time() - cpu) * 1000 / rows


def pragma_switch_us(con: sqlite3.Connection, switches: int = 2000) -> float:
    """Microseconds to set synchronous on a connection, as the store does when a transaction's mode differs
    from its connection's last one (twice a sale): against one engine per mode, it saves a second pool."""
    start = time.perf_counter()
    for i in range(switches):
        con.execute("PRAGMA synchronous=NORMAL" if i % 2 else "PRAGMA synchronous=FULL")
    con.execute("PRAGMA synchronous=FULL")
    return (time.perf_counter() - start) * 1e6 / switches


def raw_database(path: Path) -> sqlite3.Connection:
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")
    con.execute("CREATE TABLE facts (id TEXT PRIMARY KEY, n INTEGER NOT NULL, body TEXT NOT NULL)")
    raw_commit_rate(con, 50)  # warm up the file and the page cache
    return con


def wal_frames(con: sqlite3.Connection) -> float:
    """Frames (pages) in the WAL of `con`'s main database: with checkpoints off, the pages written since."""
    (path,) = [r[2] for r in con.execute("PRAGMA database_list") if r[1] == "main"]
    page_size = con.execute("PRAGMA page_size").fetchone()[0]
    return max(0.0, (os.path.getsize(f"{path}-wal") - 32) / (page_size + 24))


@contextmanager
def no_checkpoints(con: sqlite3.Connection) -> Iterator[None]:
    """An empty WAL and no automatic checkpoint meanwhile, so `wal_frames` counts what the work writes."""
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.execute("PRAGMA wal_autocheckpoint=0")
    try:
        yield
    finally:
        con.execute("PRAGMA wal_autocheckpoint=1000")


def wal_pages(con: sqlite3.Connection, rows: int) -> float:
    """WAL pages one raw commit writes (what its FULL commit flushes), over `rows` commits."""
    with no_checkpoints(con):
        raw_commit_rate(con, rows)
        return wal_frames(con) / rows


class RawSale:
    """A sale's WAL pages with no work of ours: `edits` NORMAL transactions sharing `edit_pages` pages, then one
    FULL transaction of `complete_pages` pages, each page one row appended to a small table of its own (no index,
    so one page each). Fractional pages are spread over the sales (a sale of 13.5 writes 13, the next 14)."""

    def __init__(self, con: sqlite3.Connection, edit_pages: float, complete_pages: float, edits: int) -> None:
        self.con, self.edits = con, edits
        self.per_edit, self.per_complete = edit_pages / edits, complete_pages
        self.tables = int(max(self.per_edit, complete_pages)) + 2
        for t in range(self.tables):
            con.execute(f"CREATE TABLE IF NOT EXISTS page_{t} (n INTEGER NOT NULL, body TEXT NOT NULL)")
        self._owed = {"NORMAL": 0.0, "FULL": 0.0}
        self.rounds(5)  # warm up

    def _commit(self, mode: str, pages: float) -> None:
        self._owed[mode] += pages
        count = int(self._owed[mode])
        self._owed[mode] -= count
        self.con.execute(f"PRAGMA synchronous={mode}")
        self.con.execute("BEGIN IMMEDIATE")
        for t in range(count):
            self.con.execute(f"INSERT INTO page_{t} VALUES (?, 'a row')", (t,))
        self.con.execute("COMMIT")

    def rounds(self, count: int) -> dict[str, float]:
        """Sales/s and FULL-commit-alone/s over `count` sales."""
        in_complete = 0.0
        start = time.perf_counter()
        for _ in range(count):
            for _edit in range(self.edits):
                self._commit("NORMAL", self.per_edit)
            t = time.perf_counter()
            self._commit("FULL", self.per_complete)
            in_complete += time.perf_counter() - t
        return {"sales": count / (time.perf_counter() - start), "complete": count / in_complete}
