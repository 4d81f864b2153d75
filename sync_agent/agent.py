"""The agent: rounds of push-then-pull under a lease, a loop with backoff and jitter, a clean stop."""

from __future__ import annotations

import logging
import random
import threading
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from common.contract.report import HEADER as REPORT_HEADER
from common.contract.report import format_report
from common.db import Database
from common.tables import utcnow
from pos.adapters.config import StoreConfig
from pos.adapters.tables import OutboxEvent
from pos.services.context import StoreContext
from pos.services.ops_figures import store_figures
from pos.services.sync_health import outbox_health

from . import apply, outbox, state
from .client import CentralClient, CentralError, Refused, Unreachable
from .round_report import RoundReport

log = logging.getLogger(__name__)

PULL_LIMIT = 500
POLL_SECONDS = 0.5  # how often an idle agent looks for new outbox events (a sale just completed)
BACKOFF_BASE = 1.0
BACKOFF_MAX = 120.0
PROGRESS_SECONDS = 2.0


def backoff_delay(failures: int, rng: random.Random, base: float = BACKOFF_BASE, cap: float = BACKOFF_MAX) -> float:
    """Exponential with jitter (half fixed, half random): many stores coming back at once spread out."""
    ceiling = min(cap, base * 2 ** max(0, failures - 1))
    return ceiling / 2 + rng.uniform(0, ceiling / 2)


class Agent:
    def __init__(
        self,
        config: StoreConfig,
        db: Database | None = None,
        client: CentralClient | None = None,
        clock: Callable[[], datetime] = utcnow,
        say: Callable[[str], None] | None = None,
        stop: threading.Event | None = None,
        rng: random.Random | None = None,
    ) -> None:
        sync = config.sync
        self.config, self.clock, self.say = config, clock, say or (lambda text: log.info("%s", text))
        self.db = db or Database(config.database.url)
        self.owner = state.lease_owner_name()
        self.client = client or CentralClient(sync.central_url, sync.token, sync.timeout_seconds, agent_id=self.owner)
        self.device_id = (sync.device_id or f"{config.store.id}-SYNC")[:32]
        self.batch_size, self.interval = sync.batch_size, sync.interval_seconds
        self.lease_ttl = max(30.0, 3 * sync.timeout_seconds + sync.interval_seconds)
        self.stop = stop or threading.Event()
        self.rng = rng or random.Random()
        self.last_round_seconds: float | None = None
        self.clock_seen: dict[str, Any] | None = None  # what central said of our clock on the round's last pull
        self.report: dict[str, Any] | None = None  # the store's figures sent with this round's calls

    # -- one round -------------------------------------------------------------------------------------
    def round(self, release: bool = False) -> RoundReport:
        """Push the whole outbox, then pull until current; a central found behind sends us round again."""
        rep = RoundReport()
        if not state.acquire_lease(self.db, self.owner, self.lease_ttl, self.clock()):
            rep.lease_busy = True
            return rep
        started = time.monotonic()
        self._stamp_calls()
        try:
            for _ in range(3):
                sent = rep.push.sent
                self._push_all(rep)
                if rep.push.sent != sent:
                    self._stamp_outbox()
                if not self._pull_all(rep):
                    break
        except CentralError as e:
            rep.error, rep.retry_after = str(e), getattr(e, "retry_after", None)
            rep.unreachable = isinstance(e, Unreachable)
        finally:
            stats = state.record_round(self.db, self.clock(), rep.error, self.clock_seen)
            rep.queue_depth = stats["queue_depth"]
            if release:
                state.release_lease(self.db, self.owner)
            self.last_round_seconds = time.monotonic() - started
            log.debug("sync round %s: %.3f s", self.client.headers.get("X-Request-ID"), self.last_round_seconds)
        return rep

    def _stamp_calls(self) -> None:
        """This round's request id (central logs it with its own lines) and the store's health for head office."""
        self.client.headers["X-Request-ID"] = f"{self.config.store.id}-{uuid.uuid4().hex[:16]}"
        try:
            figures = store_figures(StoreContext(db=self.db, config=self.config, clock=self.clock))
        except Exception as e:  # noqa: BLE001 - a report that cannot be made never stops a sync
            log.warning("store health report not made: %s: %s", type(e).__name__, e)
            return
        self.report = {
            "version": figures["version"],
            "depth": figures["outbox_depth"],
            "oldest": figures["outbox_oldest_seconds"],
            "dead": figures["dead_letters"],
            "printer": figures["printer"],
            "waiting": figures["printer_waiting"],
            "round": self.last_round_seconds,
        }
        self._stamp_clock()

    def _stamp_outbox(self) -> None:
        """After a push, the round's later calls (its pulls) report what the push left in the outbox: head office
        sees an emptied outbox as empty at once, not one round late."""
        if self.report is None:
            return
        with self.db.sessions() as s:
            left = outbox_health(s, self.clock())
        self.report.update(depth=left["depth"], oldest=left["oldest_age_seconds"])
        self._stamp_clock()

    def _stamp_clock(self) -> None:
        """Our clock as of this call (central measures the skew against its receive time, so not the round's start)."""
        if self.report is not None:
            self.client.headers[REPORT_HEADER] = format_report({**self.report, "clock": self.clock()})

    def _push_all(self, rep: RoundReport) -> None:
        total, done, started, said = self._unsent(), 0, time.monotonic(), time.monotonic()
        while not self.stop.is_set():
            batch = outbox.pending(self.db, self.batch_size)
            if not batch:
                break
            if not state.acquire_lease(self.db, self.owner, self.lease_ttl, self.clock()):
                raise CentralError("another sync agent took over the lease; stopping this round")
            try:
                answer = self.client.push(
                    {
                        "store_id": self.config.store.id,
                        "device_id": self.device_id,
                        "batch_id": str(uuid.uuid4()),
                        "events": batch,
                    }
                )
            except Refused as e:
                if e.status == 413 and self.batch_size > 1:
                    self.batch_size = max(1, self.batch_size // 2)
                    continue
                raise
            tally = outbox.record_push(self.db, batch, answer, self.clock())
            rep.push.add(tally)
            done += tally.sent - tally.waiting
            if tally.central:
                rep.notes.append(_NOTES[tally.central])
                self.say(f"sync: {_NOTES[tally.central]}")
                total = max(total, done + self._unsent())
            elif tally.waiting == tally.sent:
                raise CentralError(f"central took none of {tally.sent} events (a gap it waits for?)")
            if total > self.batch_size and (time.monotonic() - said >= PROGRESS_SECONDS or not self._unsent()):
                said = time.monotonic()
                self.say(_progress(done, total, time.monotonic() - started))

    def _pull_all(self, rep: RoundReport) -> bool:
        """Pull pages until current; True when central turned out to lack events we had pushed."""
        known = state.read(self.db)
        behind, cursor = False, int(known["cursor"])
        while not self.stop.is_set():
            if cursor == 0:  # a new store, or the feed began again: a snapshot, not the history
                cursor, noted = self._snapshot(rep)
                behind = behind or noted
                if cursor == 0:
                    break  # stopped half-way: the next round takes the snapshot again
                known = state.read(self.db)
            self._stamp_clock()
            page = self.client.pull(cursor, PULL_LIMIT)
            self.clock_seen = page.get("clock") or self.clock_seen
            if (
                not page["changes"]
                and not page["more"]
                and page["cursor"] == cursor == page["head"]
                and page["epoch"] == known["epoch"]
                and page["store_seq"] == known["central_seq"]
            ):
                rep.current = True  # nothing new and nothing to note: no write to the store database
                break
            if cursor > int(page["head"]):  # a restored central numbers its feed again: start over
                cursor = 0
                state.reset_cursor(self.db)
                rep.notes.append("central's change feed is behind our cursor: pulling everything again")
                continue
            applied, note = apply.apply_page(self.db, page, self.clock())
            rep.pulled, rep.pages = rep.pulled + applied, rep.pages + 1
            if note:
                behind = True
                rep.notes.append(_NOTES[note])
                self.say(f"sync: {_NOTES[note]}")
            if note == "new_epoch":
                cursor = 0
                continue
            cursor = int(page["cursor"])
            if not page["more"]:
                rep.current = True
                break
        return behind

    def _snapshot(self, rep: RoundReport) -> tuple[int, bool]:
        """Page through the snapshot, applying each page; the cursor it names is saved with the last page only,
        so a store stopped half-way starts it again. Returns (that cursor or 0, central lacked our events)."""
        page: dict[str, Any] | None = None
        noted = False
        while not self.stop.is_set():
            page = self.client.snapshot(PULL_LIMIT, page)
            applied, note = apply.apply_page(self.db, page, self.clock())
            rep.pulled, rep.pages = rep.pulled + applied, rep.pages + 1
            if note:
                noted = True
                rep.notes.append(_NOTES[note])
                self.say(f"sync: {_NOTES[note]}")
            if note == "new_epoch":
                page = None  # start again, at the new epoch
                continue
            if not page["more"]:
                return int(page["at"]), noted
        return 0, noted

    def _unsent(self) -> int:
        with self.db.sessions() as s:
            return int(s.scalar(select(func.count()).where(state.UNSENT)) or 0)

    # -- the loop --------------------------------------------------------------------------------------
    def run(self) -> None:
        """Rounds every interval, at once when a sale lands in the outbox, backing off while central fails."""
        failures, reached, waiting = 0, False, False
        try:
            while not self.stop.is_set():
                rep = self.round()
                if rep.error:
                    failures += 1
                    delay = max(backoff_delay(failures, self.rng), rep.retry_after or 0.0)
                    if rep.unreachable and not reached:
                        # Central starting beside us (or not up yet) is no fault: one line, then wait quietly.
                        if not waiting:
                            self.say(f"sync: waiting for central at {self.config.sync.central_url}")
                        waiting = True
                    else:
                        self.say(f"sync: {rep.error}; trying again in {delay:.0f} s")
                else:
                    failures, delay, reached = 0, self.interval, True
                    if rep.push.sent or rep.pulled:
                        self.say(f"sync: {rep.summary()}")
                self._wait(delay, wake_on_outbox=not rep.error and not rep.lease_busy)
        finally:
            state.release_lease(self.db, self.owner)

    def _wait(self, seconds: float, wake_on_outbox: bool) -> None:
        # Polling the outbox is one indexed read on the local database: cheaper and sturdier than a poke
        # from the store server, and it works whichever of the two processes restarts.
        deadline = time.monotonic() + seconds
        while not self.stop.is_set():
            left = deadline - time.monotonic()
            if left <= 0 or self.stop.wait(min(POLL_SECONDS, left)):
                return
            if wake_on_outbox and self._has_unsent():
                return

    def _has_unsent(self) -> bool:
        with self.db.sessions() as s:
            return s.scalar(select(OutboxEvent.store_seq).where(state.UNSENT).limit(1)) is not None

    def close(self) -> None:
        self.client.close()
        self.db.dispose()


_NOTES = {
    "new_epoch": "central was restored from a backup (new epoch): pushing again what it lacks, pulling from the start",
    "behind": "central lacks events it had acknowledged (restored?): pushing them again",
}


def _progress(done: int, total: int, seconds: float) -> str:
    rate = done / seconds if seconds > 0 else 0.0
    left = (total - done) / rate if rate > 0 else 0.0
    pct = 100 * done // total if total else 100
    return f"sync: pushed {done:,} of {total:,} events ({pct}%), {rate:,.0f} events/s, about {left:,.0f} s left"
