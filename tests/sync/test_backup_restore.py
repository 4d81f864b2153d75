"""A store's disk dies: its last backup is restored, and nothing that reached the central store is lost.

The real store server runs as its own process (`omnitoko store serve`) and sells over HTTP while an online
backup is taken (`omnitoko store backup`); more sales follow, some synced by the agent, some not; the server is
killed (kill -9) in the middle of a sale and its database deleted. `omnitoko store restore` puts the backup back.
Then: every sale central had is still there and unchanged, no event is refused or conflicting, the store's next
event and each receipt number continue above everything central has seen from it, and the store re-learns the
stock its lost-but-synced sales moved. Runs with the central store on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import requests
from servekit import free_port, kill_group
from sqlalchemy import func, select
from synckit import (  # noqa: F401
    STORE,
    Agent,
    CentralHarness,
    central,
    connect_store,
    pg_url,
    stock_up,
    sync_until_clean,
)
from synckit_store import write_store_toml

from central.tables import Alert, DeadLetter, Sale
from common.db import Database
from omnitoko.cli import main
from pos.adapters import backups
from pos.adapters.tables import Counter, StockMovement, receipt_counter
from pos.services.context import StoreContext
from pos.services.restore import RESTORE_REASON

ROOT = Path(__file__).resolve().parents[2]
CASHIER = {"staff_code": "1001", "pin": "1234", "till_id": "T1"}
BARCODES = ["8990000100010", "8990000100027"]  # SKU-00001 (Rp 3.500) and SKU-00002 (Rp 4.500)


class StoreServer:
    """`omnitoko store serve` as a child process on the test's config file."""

    def __init__(self, config: Path, log: Path) -> None:
        self.config, self.log, self.proc = config, log, None
        self.base = ""
        self.http = requests.Session()

    def start(self, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}/api/v1"
        env = {k: v for k, v in os.environ.items() if not k.startswith("OMNITOKO_")}
        cmd = [
            sys.executable,
            "-m",
            "omnitoko.cli",
            "store",
            "serve",
            "--config",
            str(self.config),
            "--port",
            str(port),
        ]
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(  # its own group: kill -9 takes gunicorn's master and worker
                cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"store server exited:\n{self.log.read_text()[-3000:]}"
            try:
                if requests.get(f"{self.base}/health", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.05)
        else:
            self.kill()
            pytest.fail(f"store server did not answer in 60 s:\n{self.log.read_text()[-3000:]}")
        token = self.call("POST", "/session", CASHIER)["token"]
        self.http.headers["Authorization"] = f"Bearer {token}"

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        resp = self.http.request(method, f"{self.base}{path}", json=body, timeout=15)
        assert resp.status_code < 400, f"{method} {path} -> {resp.status_code} {resp.text}"
        return resp.json()

    def begin_sale(self) -> dict[str, Any]:
        sale = self.call("POST", "/sales")
        for code in BARCODES:
            sale = self.call("POST", f"/sales/{sale['id']}/lines", {"barcode": code, "qty": 2})
        return self.call("POST", f"/sales/{sale['id']}/tenders", {"type": "cash", "amount": sale["remaining"]})

    def sell(self, n: int) -> list[str]:
        numbers = []
        for _ in range(n):
            sale = self.begin_sale()
            numbers.append(self.call("POST", f"/sales/{sale['id']}/complete")["number"])
        return numbers

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            kill_group(self.proc)  # master and worker, and wait until both are gone


def _seq(number: str) -> int:
    return int(number.rsplit("-", 1)[1])


def _central_sales(central: CentralHarness) -> dict[str, tuple[str, int]]:
    return {
        r[0]: (r[1], r[2]) for r in central.rows(select(Sale.id, Sale.number, Sale.total).where(Sale.store_id == STORE))
    }


def _agent(store: StoreContext) -> Agent:
    return Agent(store.config, db=Database(store.config.database.url), say=lambda _t: None)


def test_a_store_restored_from_its_last_backup_loses_nothing_central_has_and_reuses_no_number(
    central: CentralHarness, store: StoreContext, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stock_up(central)
    cfg = connect_store(store, central)
    cfg.backup.dir = str(tmp_path / "usb-stick")
    cfg.server.port = free_port()
    config_file = write_store_toml(tmp_path / "store.toml", cfg)
    db_file = backups.sqlite_path(cfg.database.url)
    store.db.dispose()
    server = StoreServer(config_file, tmp_path / "server.log")
    try:
        server.start(cfg.server.port)
        server.call("POST", "/shifts", {"opening_float": 200_000})
        first = server.sell(3)
        agent = _agent(store)
        sync_until_clean(agent)

        assert main(["store", "backup", "--config", str(config_file)]) == 0  # online, while the server runs
        *_at_start, backup = backups.listing(Path(cfg.backup.dir), STORE)  # the server took one when it started
        synced_after = server.sell(4)
        sync_until_clean(agent)
        agent.close()
        before = _central_sales(central)
        seen_by_central = max(_seq(n) for n, _ in before.values())
        with central.ctx.db.sessions() as s:
            from central.tables import Store

            central_seq = int(s.scalar(select(Store.last_seq).where(Store.id == STORE)) or 0)
        never_synced = server.sell(2)  # these die with the disk: central never saw them
        server.begin_sale()  # a sale under way when the power goes
        server.kill()
    finally:
        server.kill()
    assert sorted(n for n, _ in before.values()) == sorted(first + synced_after)

    for suffix in ("", "-wal", "-shm"):  # the disk is gone
        db_file.with_name(db_file.name + suffix).unlink(missing_ok=True)
    capsys.readouterr()
    assert main(["store", "restore", str(backup), "--config", str(config_file)]) == 0
    said = capsys.readouterr().out
    print(said)
    assert "central holds 4 later events of this store (4 sales" in said
    assert f"till T1: receipts continue at {seen_by_central + 1:06d}" in said

    db = Database(cfg.database.url)
    with db.sessions() as s:
        assert s.scalar(select(Counter.value).where(Counter.name == "store_seq")) == central_seq
        assert s.scalar(select(Counter.value).where(Counter.name == receipt_counter("T1"))) == seen_by_central
        relearned = s.scalar(select(func.sum(StockMovement.qty)).where(StockMovement.reason == RESTORE_REASON))
    db.dispose()
    assert relearned == -4 * len(BARCODES) * 2  # 4 sales of 2 + 2 items, synced after the backup

    server = StoreServer(config_file, tmp_path / "server.log")
    try:
        server.start(cfg.server.port)
        try:
            server.call("POST", "/shifts", {"opening_float": 200_000})
        except AssertionError:
            pass  # the backup's shift is still open
        after_restore = server.sell(2)
        agent = _agent(store)
        sync_until_clean(agent)
        agent.close()
    finally:
        server.kill()

    assert min(_seq(n) for n in after_restore) == seen_by_central + 1, "a receipt number central has seen was reused"
    now = _central_sales(central)
    assert {k: v for k, v in now.items() if k in before} == before, "a sale central had was lost or changed"
    numbers = [n for n, _ in now.values()]
    assert len(numbers) == len(set(numbers)) == len(before) + len(after_restore)
    assert not set(never_synced) & {n for n, _ in before.values()}
    assert central.count(DeadLetter, DeadLetter.store_id == STORE) == 0
    assert central.count(Alert, Alert.store_id == STORE) == 0, central.rows(select(Alert.kind, Alert.message))
    print(
        f"restore: central kept {len(before)} sales, {len(never_synced)} unsynced died with the disk, "
        f"receipts continued at {min(after_restore)}"
    )


def _backup_of(store: StoreContext, tmp_path: Path) -> Path:
    store.db.dispose()
    return backups.take(backups.sqlite_path(store.config.database.url), tmp_path / "b", store.store_id, keep=3)


def _config_file(store: StoreContext, tmp_path: Path, **store_table: Any) -> Path:
    cfg = store.config.model_copy(deep=True)
    for k, v in store_table.items():
        setattr(cfg.store, k, v)
    cfg.server.port = free_port()
    return write_store_toml(tmp_path / "restore.toml", cfg)


def test_a_backup_of_another_store_is_refused_and_the_database_is_untouched(
    store: StoreContext, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    made = _backup_of(store, tmp_path)
    db_file = backups.sqlite_path(store.config.database.url)
    before = db_file.read_bytes()
    assert main(["store", "restore", str(made), "--config", str(_config_file(store, tmp_path, id="TOKO-09"))]) == 1
    err = capsys.readouterr().err
    assert f"{made.name} is a backup of store {STORE}, and this config is store TOKO-09" in err
    assert db_file.read_bytes() == before


def test_a_damaged_backup_is_refused_by_its_checksum(
    store: StoreContext, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    made = _backup_of(store, tmp_path)
    with made.open("r+b") as f:
        f.seek(5000)
        f.write(b"\x00garbage\x00")
    assert main(["store", "restore", str(made), "--config", str(_config_file(store, tmp_path))]) == 1
    assert "checksum mismatch" in capsys.readouterr().err


def test_backups_keep_only_the_newest_and_each_has_a_checksum(store: StoreContext, tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    store.db.dispose()
    src, dest = backups.sqlite_path(store.config.database.url), tmp_path / "b"
    start = datetime(2026, 11, 1, tzinfo=UTC)
    for i in range(5):
        backups.take(src, dest, STORE, keep=3, now=start + timedelta(minutes=15 * i))
    kept = backups.listing(dest, STORE)
    assert [p.name for p in kept] == [f"{STORE}-20261101T00{m}00Z.db" for m in ("30", "45")] + [
        f"{STORE}-20261101T010000Z.db"
    ]
    assert sorted(p.name for p in dest.iterdir()) == sorted([p.name for p in kept] + [p.name + ".sha256" for p in kept])
    info = backups.verify(kept[-1])
    assert info.store_id == STORE and info.other_stores == []
