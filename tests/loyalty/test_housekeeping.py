"""Central's housekeeping runs by itself: lapsed holds are released and old points expire on a schedule, a failed run
does not end the schedule, 0 turns it off, and `omnitoko central serve` starts it."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

from loyaltykit import TEST_KEY, new_member, use_test_key
from servekit import free_port
from synckit import STORE, central, pg_url  # noqa: F401
from test_points_expiry import balance, book, expired_entries

from central.config import load_central_config
from central.db import central_database
from central.services import housekeeping, loyalty_holds, member_cards
from central.services import push as push_service
from central.services.context import CentralContext
from central.services.housekeeping import Housekeeping, start_housekeeping
from central.tables import PointsHold

ROOT = Path(__file__).resolve().parents[2]
PATIENCE = 60.0  # how long a scheduled run may take to show up; never a timing assert


def eventually(check: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + PATIENCE
    while not check():
        assert time.monotonic() < deadline, f"not within {PATIENCE} s: {what}"
        time.sleep(0.05)


def lapsed_hold(central, member_id: str, points: int) -> str:
    """A hold a store took two hours ago and never used (its 15 minutes are long over)."""
    real = central.ctx.clock
    central.ctx.clock = lambda: real() - timedelta(hours=2)
    try:
        card = member_cards.card_for(central.ctx, member_id)
        return loyalty_holds.hold(central.ctx, STORE, str(uuid.uuid4()), member_id, points, card=card)["hold_id"]
    finally:
        central.ctx.clock = real


def test_the_schedule_releases_lapsed_holds_then_expires_old_points_and_stops_cleanly(central):
    use_test_key(central, expire_after_days=365)
    m = new_member(central)
    book(central, m["id"], "earn", 100, 400)  # earned over a year ago, never spent
    hold_id = lapsed_hold(central, m["id"], 30)
    keeper = new_member(central)
    book(central, keeper["id"], "earn", 20, 30)  # recent: stays

    hk = Housekeeping(central.ctx, every=0.05, first_after=0).start()
    try:
        eventually(lambda: balance(central, m["id"]) == 0, "the old points expired")
        eventually(lambda: hk.runs >= 3, "more runs after that")
    finally:
        hk.stop()
    assert not hk.alive
    # the lapsed hold was released first, so all 100 expired (not only the 70 it left spendable), and only once
    assert expired_entries(central, m["id"]) == [-100]
    assert central.rows(PointsHold.__table__.select().where(PointsHold.id == hold_id))[0].state == "expired"
    assert balance(central, keeper["id"]) == 20
    changes = push_service.pull(central.ctx, STORE, 0, 10_000)["changes"]
    mine = [c for c in changes if c["topic"] == "member" and c["data"]["id"] == m["id"]]
    assert (mine[-1]["data"]["balance"], mine[-1]["data"]["held"]) == (0, 0)  # stores hear it on their next pull


def test_a_run_that_fails_is_logged_and_the_next_run_still_happens(central, caplog):
    use_test_key(central, expire_after_days=365)
    m = new_member(central)
    book(central, m["id"], "earn", 50, 400)
    calls = []

    def flaky(ctx: CentralContext) -> str:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database went away")
        return housekeeping.expire(ctx)

    caplog.set_level(logging.INFO, logger="central.services.housekeeping")
    hk = Housekeeping(central.ctx, every=0.05, first_after=0, jobs=(("expiry", flaky),)).start()
    try:
        eventually(lambda: balance(central, m["id"]) == 0, "a later run expired the points")
    finally:
        hk.stop()
    assert expired_entries(central, m["id"]) == [-50]
    lines = [r.getMessage() for r in caplog.records if r.name == "central.services.housekeeping"]
    assert "housekeeping: expiry failed" in lines
    assert "housekeeping run 1: expiry failed (RuntimeError: database went away)" in lines
    assert "housekeeping run 2: 50 points of 1 members expired" in lines


def test_zero_minutes_turns_the_schedule_off_and_a_set_interval_starts_it(central):
    use_test_key(central, expire_after_days=365, expire_every_minutes=0)
    m = new_member(central)
    book(central, m["id"], "earn", 40, 400)
    assert start_housekeeping(central.ctx, first_after=0) is None
    assert balance(central, m["id"]) == 40

    central.ctx.config.loyalty.expire_every_minutes = 60
    hk = start_housekeeping(central.ctx, first_after=0)
    try:
        assert hk is not None and hk.every == 3600
        eventually(lambda: balance(central, m["id"]) == 0, "the first run, soon after start")
    finally:
        hk.stop()
    assert not hk.alive


def test_central_serve_expires_points_by_itself(tmp_path):
    from omnitoko.cli import main

    config = tmp_path / "central.toml"
    config.write_text(
        f'[database]\nurl = "sqlite:///{tmp_path / "central.db"}"\n[server]\nport = {free_port()}\n'
        f'[loyalty]\nsigning_key = "{TEST_KEY}"\nexpire_after_days = 365\nexpire_every_minutes = 60\n',
        encoding="utf-8",
    )
    assert main(["central", "init", "--config", str(config)]) == 0
    cfg = load_central_config(config, environ={})
    harness = SimpleNamespace(ctx=CentralContext(db=central_database(cfg.database.url), config=cfg))
    m = new_member(harness)
    book(harness, m["id"], "earn", 80, 400)

    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "omnitoko.cli", "central", "serve", "--config", str(config)],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    try:
        eventually(lambda: balance(harness, m["id"]) == 0 or proc.poll() is not None, "central serve expired them")
        assert proc.poll() is None, log.read_text()
        eventually(
            lambda: "housekeeping run 1: 0 lapsed holds released; 80 points of 1 members expired" in log.read_text(),
            "the run's log line",
        )
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        harness.ctx.db.dispose()
    assert expired_entries(harness, m["id"]) == [-80]
    assert "housekeeping      points expiry and lapsed holds every 60 min" in log.read_text()
