"""Online backups of the store's SQLite file: SQLite's backup API, a checksum beside each copy, retention.

A backup is taken while tills sell: the backup API copies the pages of one read transaction (WAL readers never
block writers), so the copy is the database as of one moment. Each copy is made under a temporary name, stamped
with the store id in a table of its own (`omnitoko_backup`), checked (`PRAGMA quick_check`), switched to a single
self-contained file (journal_mode=DELETE), flushed to disk, then renamed into place with its SHA-256 file
(`<name>.sha256`, the `sha256sum` format). The oldest copies beyond `keep` are removed.
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from pos.adapters.tables import RECEIPT_COUNTER

STAMP_TABLE = "omnitoko_backup"
_NAME = re.compile(r"^(?P<store>[A-Za-z0-9_-]+)-(?P<at>\d{8}T\d{6}Z)(?:-(?P<n>\d+))?\.db$")


class BackupError(Exception):
    """A backup that cannot be taken or trusted; the message says why in one line."""


@dataclass
class BackupInfo:
    path: Path
    store_id: str  # from the stamp table, else from the events and receipt numbers inside
    taken_at: str
    store_seq: int  # the highest outbox store_seq in the copy
    acked_seq: int  # the highest one central had acknowledged when the copy was taken
    unsent: int
    receipt_seq: dict[str, int] = field(default_factory=dict)  # per till
    sales: int = 0
    other_stores: list[str] = field(default_factory=list)  # store ids of events or receipts that are not store_id


def sqlite_path(url: str) -> Path:
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite") or not parsed.database or parsed.database == ":memory:":
        raise BackupError(f"backups copy a SQLite file; [database] url is {parsed.drivername}")
    return Path(parsed.database)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def take(db_file: Path, dest: Path, store_id: str, keep: int, now: datetime | None = None) -> Path:
    """One consistent copy of the live database into `dest`; returns its path. Old copies beyond `keep` go."""
    if not db_file.exists():
        raise BackupError(f"no store database at {db_file}: run `omnitoko store init` first")
    dest.mkdir(parents=True, exist_ok=True)
    now = now or datetime.now(UTC)
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    final = dest / f"{store_id}-{stamp}.db"
    n = 1
    while final.exists():
        final, n = dest / f"{store_id}-{stamp}-{n}.db", n + 1
    partial = final.with_name(final.name + ".partial")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(db_file, timeout=30)
    try:
        out = sqlite3.connect(partial)
        try:
            src.backup(out)  # all pages in one step: one read transaction, so one moment of the database
            out.execute("PRAGMA journal_mode=DELETE")
            out.execute(f"CREATE TABLE {STAMP_TABLE} (store_id TEXT NOT NULL, taken_at TEXT NOT NULL, source TEXT)")
            out.execute(f"INSERT INTO {STAMP_TABLE} VALUES (?, ?, ?)", (store_id, now.isoformat(), str(db_file)))
            out.commit()
            check = out.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise BackupError(f"the copy failed SQLite's check: {check}")
        finally:
            out.close()
    finally:
        src.close()
    _fsync(partial)
    os.replace(partial, final)
    checksum = final.with_name(final.name + ".sha256")
    checksum.write_text(f"{sha256_of(final)}  {final.name}\n", encoding="utf-8")
    _fsync(checksum)
    _fsync_dir(dest)
    prune(dest, store_id, keep)
    return final


def prune(dest: Path, store_id: str, keep: int) -> list[Path]:
    """Remove this store's oldest copies (and their checksums) beyond the newest `keep`."""
    copies = listing(dest, store_id)
    gone = copies[: max(0, len(copies) - keep)]
    for path in gone:
        path.unlink(missing_ok=True)
        path.with_name(path.name + ".sha256").unlink(missing_ok=True)
    return gone


def listing(dest: Path, store_id: str) -> list[Path]:
    """This store's copies in `dest`, oldest first (by the time in the name)."""
    if not dest.is_dir():
        return []
    found = [
        (m["at"], int(m["n"] or 0), p) for p in dest.iterdir() if (m := _NAME.match(p.name)) and m["store"] == store_id
    ]
    return [p for _, _, p in sorted(found)]


def verify(path: Path) -> BackupInfo:
    """The checksum must match and the file must be a whole SQLite database; then what it holds."""
    if not path.is_file():
        raise BackupError(f"no backup file at {path}")
    checksum = path.with_name(path.name + ".sha256")
    if not checksum.is_file():
        raise BackupError(f"no checksum file {checksum.name} beside the backup: it cannot be trusted")
    expected = (checksum.read_text(encoding="utf-8").split() or [""])[0].lower()
    got = sha256_of(path)
    if got != expected:
        raise BackupError(f"checksum mismatch for {path.name}: the file is damaged or was changed (got {got[:12]}...)")
    con = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    try:
        return _read_info(con, path)
    except sqlite3.DatabaseError as e:
        raise BackupError(f"{path.name} is not a readable store database: {e}") from e
    finally:
        con.close()


def _receipt_seqs(con: sqlite3.Connection) -> dict[str, int]:
    """Each till's last receipt sequence: its `receipt_seq:<till>` counter (store migration 0018 on), or the column
    `tills.receipt_seq` in a backup taken before."""
    if "receipt_seq" in {r[1] for r in con.execute("PRAGMA table_info(tills)")}:
        return {r[0]: int(r[1] or 0) for r in con.execute("SELECT id, receipt_seq FROM tills")}
    counted = "SELECT t.id, c.value FROM tills t LEFT JOIN counters c ON c.name = ? || t.id"
    return {r[0]: int(r[1] or 0) for r in con.execute(counted, (RECEIPT_COUNTER,))}


def _read_info(con: sqlite3.Connection, path: Path) -> BackupInfo:
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "outbox" not in tables or "tills" not in tables:
        raise BackupError(f"{path.name} is not a store database (no outbox or tills table)")
    stamp = con.execute(f"SELECT store_id, taken_at FROM {STAMP_TABLE}").fetchone() if STAMP_TABLE in tables else None
    event_stores = [r[0] for r in con.execute("SELECT DISTINCT store_id FROM outbox")]
    numbers = [r[0] for r in con.execute("SELECT number FROM sales WHERE number IS NOT NULL LIMIT 1000")]
    tills = _receipt_seqs(con)
    prefixes = {n.rsplit("-", 2)[0] for n in numbers if n.count("-") >= 2}
    store_id = stamp[0] if stamp else (event_stores[0] if event_stores else next(iter(prefixes), ""))
    seqs = con.execute(
        "SELECT COALESCE(MAX(store_seq), 0), COALESCE(MAX(CASE WHEN acked_at IS NOT NULL THEN store_seq END), 0), "
        "SUM(CASE WHEN acked_at IS NULL THEN 1 ELSE 0 END) FROM outbox"
    ).fetchone()
    sales = con.execute("SELECT COUNT(*) FROM sales WHERE state = 'completed'").fetchone()[0]
    return BackupInfo(
        path=path,
        store_id=store_id,
        taken_at=stamp[1] if stamp else "",
        store_seq=int(seqs[0]),
        acked_seq=int(seqs[1]),
        unsent=int(seqs[2] or 0),
        receipt_seq=tills,
        sales=int(sales),
        other_stores=sorted((set(event_stores) | prefixes) - {store_id}),
    )


def copy_into_place(backup: Path, target: Path) -> None:
    """Write the backup over `target` (the store server and agent stopped): a temporary file, then a rename."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".restoring")
    tmp.unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{backup}?mode=ro&immutable=1", uri=True)
    try:
        out = sqlite3.connect(tmp)
        try:
            src.backup(out)
            out.execute(f"DROP TABLE IF EXISTS {STAMP_TABLE}")
            out.execute("PRAGMA journal_mode=WAL")
            out.commit()
        finally:
            out.close()
    finally:
        src.close()
    _fsync(tmp)
    for suffix in ("-wal", "-shm"):  # the old file's log must not be replayed onto the restored one
        target.with_name(target.name + suffix).unlink(missing_ok=True)
    os.replace(tmp, target)
    _fsync_dir(target.parent)


def set_aside(target: Path, now: datetime | None = None) -> Path | None:
    """Move the current database (and its WAL) aside rather than delete it; returns where it went."""
    if not target.exists():
        return None
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    aside = target.with_name(f"{target.name}.before-restore-{stamp}")
    for suffix in ("", "-wal", "-shm"):
        src = target.with_name(target.name + suffix)
        if src.exists():
            os.replace(src, aside.with_name(aside.name + suffix))
    return aside


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    try:
        _fsync(path)
    except OSError:  # not every filesystem (a network share) lets a directory be synced
        pass
