"""kill -9 the real store server during a stream of checkouts: every sale in the database is whole or absent.

The server runs as a subprocess (`omnitoko store serve`) on a SQLite file; a client thread rings up sales over
HTTP as fast as it can (new sale, 2-4 scans, cash, complete). Some rounds kill at a random moment, others just
after a completion request went out, so the kill lands inside the completing transaction. The server restarts on
the same file each round. Then the file itself is checked: whole sales, no half sales, no gaps in receipt numbers
or in the outbox's store_seq, and every completion the client saw acknowledged is there.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import requests
from servekit import free_port, kill_group

ROOT = Path(__file__).resolve().parents[2]
# Each round: start the server, ring up sales, kill -9. "completion" rounds kill just after a completion request
# went out (inside the completing transaction, or just before or after it); "random" rounds at any moment.
ROUNDS = ("completion", "random", "completion")
TIMEOUT = 10
CASHIER = {"staff_code": "1001", "pin": "1234", "till_id": "T1"}


def _env() -> dict[str, str]:
    # The server reads only the test's config file: no OMNITOKO_* override from the caller's shell.
    return {k: v for k, v in os.environ.items() if not k.startswith("OMNITOKO_")}


class Server:
    """`omnitoko store serve` as a child process on the test's config and database."""

    def __init__(self, config: Path, log: Path) -> None:
        self.config, self.log = config, log
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}/api/v1"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}/api/v1"
        with self.log.open("ab") as out:
            out.write(f"\n--- start on port {self.port} ---\n".encode())
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "omnitoko.cli",
                    "store",
                    "serve",
                    "--config",
                    str(self.config),
                    "--port",
                    str(self.port),
                ],
                cwd=self.config.parent,
                env=_env(),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # kill -9 takes the whole server: gunicorn's master and its worker
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"store server exited with {self.proc.returncode}:\n{self.log.read_text()[-3000:]}")
            try:
                if requests.get(f"{self.base}/health", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.05)
        self.kill()
        pytest.fail(f"store server did not answer /health in 30 s:\n{self.log.read_text()[-3000:]}")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            kill_group(self.proc)  # master and worker, and wait until both are gone


class Cashier(threading.Thread):
    """Rings up sales until the server goes away; remembers every completion the server acknowledged."""

    def __init__(self, base: str, barcodes: list[str], seed: int) -> None:
        super().__init__(daemon=True)
        self.base, self.barcodes, self.rng = base, barcodes, random.Random(seed)
        self.http = requests.Session()
        self.acknowledged: list[str] = []
        self.completing = threading.Event()  # set just before a completion request goes out
        self.server_killed = threading.Event()  # set by the test just before kill -9
        self.stopped = threading.Event()
        self.error: BaseException | None = None
        self.ended_with = ""

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        resp = self.http.request(method, f"{self.base}{path}", json=body, timeout=TIMEOUT)
        if resp.status_code >= 400:
            raise AssertionError(f"{method} {path} -> {resp.status_code} {resp.text}")
        return resp.json()

    def sign_in(self) -> None:
        token = self.call("POST", "/session", CASHIER)["token"]
        self.http.headers["Authorization"] = f"Bearer {token}"

    def one_sale(self) -> None:
        # After a restart the till's open sale may be half rung up (lines, even a tender): carry on with it.
        sale = self.call("POST", "/sales")
        if not sale["tenders"]:
            for code in self.rng.sample(self.barcodes, self.rng.randint(2, 4)):
                sale = self.call("POST", f"/sales/{sale['id']}/lines", {"barcode": code, "qty": self.rng.randint(1, 3)})
        if sale["remaining"] > 0:
            extra = self.rng.choice([0, 0, 500, 10_000])
            sale = self.call(
                "POST", f"/sales/{sale['id']}/tenders", {"type": "cash", "amount": sale["remaining"] + extra}
            )
        self.completing.set()
        done = self.call("POST", f"/sales/{sale['id']}/complete")
        self.completing.clear()
        assert done["state"] == "completed" and done["number"]
        self.acknowledged.append(done["number"])

    def run(self) -> None:
        try:
            while True:
                self.one_sale()
        except requests.RequestException as e:
            # Refused, reset or cut off mid-response is what a killed server looks like; before the kill it is a bug.
            self.ended_with = type(e).__name__
            if not self.server_killed.is_set():
                self.error = e
        except BaseException as e:  # noqa: BLE001 - reported by the test thread
            self.error = e
        finally:
            self.stopped.set()


def _seq(number: str) -> int:
    return int(number.rsplit("-", 1)[1])


def _check_database(db: Path, acknowledged: list[str]) -> dict[str, int]:
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    try:
        sales = {r["id"]: r for r in con.execute("SELECT * FROM sales")}
        lines: dict[str, list[sqlite3.Row]] = defaultdict(list)
        for r in con.execute("SELECT * FROM sale_lines"):
            lines[r["sale_id"]].append(r)
        tenders: dict[str, list[int]] = defaultdict(list)
        for r in con.execute("SELECT sale_id, amount FROM tenders"):
            tenders[r["sale_id"]].append(r["amount"])
        moves: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for r in con.execute("SELECT ref_id, sku, qty FROM stock_movements WHERE kind = 'sale'"):
            moves[r["ref_id"]].append((r["sku"], r["qty"]))
        events: dict[str, list[dict[str, Any]]] = defaultdict(list)
        outbox = list(con.execute("SELECT type, store_seq, payload FROM outbox ORDER BY store_seq"))
        for r in outbox:
            if r["type"] == "sale.completed":
                payload = json.loads(r["payload"])
                events[payload["sale_id"]].append(payload)
        till_seq = con.execute("SELECT value FROM counters WHERE name = 'receipt_seq:T1'").fetchone()[0]
        counter = con.execute("SELECT value FROM counters WHERE name = 'store_seq'").fetchone()
        refunds = [r[0] for r in con.execute("SELECT number FROM refunds WHERE till_id = 'T1'")]
    finally:
        con.close()

    completed = {sid: s for sid, s in sales.items() if s["state"] == "completed"}
    for sid, sale in completed.items():
        got = lines[sid]
        assert got, f"completed sale {sale['number']} has no lines"
        assert sum(tenders[sid]) == sale["paid"], f"sale {sale['number']}: tenders do not sum to paid"
        assert sale["paid"] >= sale["total"] + sale["rounding"], f"sale {sale['number']} is underpaid"
        assert sorted(moves[sid]) == sorted((l["sku"], -l["qty"]) for l in got), (
            f"sale {sale['number']}: stock movements do not match its lines"
        )
        assert len(events[sid]) == 1, f"sale {sale['number']} has {len(events[sid])} sale.completed events"
        assert events[sid][0]["number"] == sale["number"]
        assert sorted(l["id"] for l in events[sid][0]["lines"]) == sorted(l["id"] for l in got)

    # No half sale: nothing a completion writes exists for a sale that is not completed.
    for sid, sale in sales.items():
        if sale["state"] != "completed":
            assert sale["number"] is None, f"sale {sid} ({sale['state']}) has a receipt number"
            assert not moves.get(sid), f"sale {sid} ({sale['state']}) has sale stock movements"
            assert not events.get(sid), f"sale {sid} ({sale['state']}) has a sale.completed event"
    assert set(moves) <= set(completed) and set(events) <= set(completed), "movements or events for unknown sales"

    numbers = sorted(_seq(s["number"]) for s in completed.values() if s["till_id"] == "T1")
    numbers += [_seq(n) for n in refunds]
    assert sorted(numbers) == list(range(1, till_seq + 1)), "receipt numbers of till T1 have gaps or repeats"

    seqs = [r["store_seq"] for r in outbox]
    assert seqs == list(range(1, len(seqs) + 1)), "outbox store_seq has gaps"
    assert counter is not None and counter[0] == len(seqs)

    in_db = {s["number"] for s in completed.values()}
    lost = [n for n in acknowledged if n not in in_db]
    assert not lost, f"completions acknowledged to the till are missing after the crash: {lost[:5]}"
    return {"completed": len(completed), "open": sum(1 for s in sales.values() if s["state"] == "open")}


def test_a_server_killed_mid_checkout_leaves_whole_sales_and_no_gaps(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    shutil.copy(ROOT / "config.toml", config)  # relative paths (the database) resolve inside tmp_path
    log = tmp_path / "server.log"
    init = subprocess.run(
        [sys.executable, "-m", "omnitoko.cli", "store", "init", "--config", str(config), "--demo-data"],
        cwd=tmp_path,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert init.returncode == 0, init.stdout + init.stderr
    db = tmp_path / "var" / "store.db"
    assert db.exists()

    rng = random.Random()
    seed = rng.randrange(1_000_000)
    print(f"kill test seed {seed}")
    rng.seed(seed)
    server = Server(config, log)
    acknowledged: list[str] = []
    kills_in_completion = 0
    try:
        for round_no, when in enumerate(ROUNDS):
            started = time.monotonic()
            server.start()
            up = time.monotonic()
            cashier = Cashier(server.base, [], seed + round_no)
            cashier.sign_in()
            if round_no == 0:
                cashier.call("POST", "/shifts", {"opening_float": 200_000})
            found = cashier.call("GET", "/products?q=aqua&limit=20")["items"]
            found += cashier.call("GET", "/products?q=indomie&limit=20")["items"]
            cashier.barcodes = [p["barcode"] for p in found]
            assert len(cashier.barcodes) >= 4
            cashier.start()
            # Let a few sales through, then kill.
            deadline = time.monotonic() + 10
            while len(cashier.acknowledged) < 3 and not cashier.stopped.is_set() and time.monotonic() < deadline:
                time.sleep(0.01)
            if when == "completion":
                cashier.completing.wait(timeout=5)
                time.sleep(rng.uniform(0, 0.004))
                kills_in_completion += cashier.completing.is_set()
            else:
                time.sleep(rng.uniform(0.05, 0.8))
            cashier.server_killed.set()
            server.kill()
            cashier.join(timeout=TIMEOUT + 5)
            assert not cashier.is_alive(), "the client did not notice the server was gone"
            if cashier.error is not None:
                raise AssertionError(
                    f"round {round_no}: the sale stream failed: {cashier.error}\n{log.read_text()[-3000:]}"
                ) from cashier.error
            assert len(cashier.acknowledged) >= 3, f"round {round_no}: too few sales went through"
            acknowledged += cashier.acknowledged
            print(
                f"round {round_no}: server up in {up - started:.1f} s, {len(cashier.acknowledged)} sales "
                f"in {time.monotonic() - up:.1f} s, then kill -9 at a {when} moment ({cashier.ended_with})"
            )
    finally:
        server.kill()

    outcome = _check_database(db, acknowledged)
    print(
        f"kill test: {outcome['completed']} completed sales over {len(ROUNDS)} kills "
        f"({kills_in_completion} during a completion request), {outcome['open']} open sale(s) left"
    )
    assert outcome["completed"] >= len(acknowledged) >= 3 * len(ROUNDS)
