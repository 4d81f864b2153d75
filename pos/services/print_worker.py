"""The single owner of the printer: one thread that prints the queue in order, after each commit.

Per job: ask the printer's status (DLE EOT) where it can answer, send nothing while it is offline, out of
paper or has its cover open; send the whole job; confirm with one more status answer; mark it printed.
Any failure puts the job back with a growing wait (backoff) and tells the tills; the sale is long committed.

One process prints: the worker holds a lease on the printer in the store database, renewed every loop. A second
store-server process on the same database waits (and says so in its log) until the first one stops or its lease
runs out; only the process that takes the lease puts a job left "printing" back in the queue.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from pos.adapters.config import PrinterTable
from pos.adapters.printing import (
    Device,
    PrinterProblem,
    open_device,
    render_drawer_kick,
    render_receipt,
    render_slip,
    render_ticket,
)
from pos.adapters.tables.printing import PrinterLease, PrintJob

from . import receipts
from .context import StoreContext
from .print_jobs import printer_status
from .printing import WAITING, PrintQueue, queue_of

log = logging.getLogger(__name__)

# A receipt printed this long after its sale no longer kicks the drawer: a drawer springing open by
# itself when the printer comes back, with nobody at the till, is worse than a missed kick.
DRAWER_WINDOW = timedelta(seconds=120)
REPEAT_PROBLEM = 10.0  # seconds between repeats of a printer problem to the tills
IDLE_POLL = 2.0  # seconds between looks at an empty queue (a commit wakes the worker sooner)
LEASE_TTL = 15.0  # seconds a process's hold on the printer lasts unless renewed (every loop, <= IDLE_POLL)

DeviceFactory = Callable[[PrinterTable], Device]


@dataclass
class _Claimed:
    id: str
    kind: str
    number: str | None
    payload: str
    created_at: datetime
    attempts: int


class PrintWorker:
    def __init__(
        self, ctx: StoreContext, device_factory: DeviceFactory = open_device, lease_ttl: float = LEASE_TTL
    ) -> None:
        self.ctx = ctx
        self.owner = f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.lease_ttl, self.owns, self._told_waiting = lease_ttl, False, False
        self._renew_at: datetime | None = None  # while we own the printer: when to write the lease again
        queue = queue_of(ctx)
        if queue is None:  # a worker nobody wakes would print a sale's receipt only at its next poll
            raise ValueError("this store context queues no receipts: build it with pos.bootstrap.store_context")
        self.queue: PrintQueue = queue
        self.factory = device_factory
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_status: dict[str, Any] | None = None
        self._last_sent = 0.0

    # --- lifecycle ---------------------------------------------------------------------------------------
    def start(self) -> PrintWorker:
        self._thread = threading.Thread(target=self._run, name="omnitoko-print-worker", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self.queue.wake()
        if self._thread is not None:
            self._thread.join(timeout)
        if self.owns:  # let another process take the printer at once
            with self.ctx.db.unit_of_work() as s:
                s.execute(
                    update(PrinterLease)
                    .where(PrinterLease.name == "printer", PrinterLease.owner == self.owner)
                    .values(until=self.ctx.clock())
                )
            self.owns = False

    def hold_printer(self) -> bool:
        """Take or renew this process's lease on the printer; True while it is ours. Taking it the first time
        recovers what a stopped process left half printed. The lease is written again only once half of it has
        passed: the worker loops after every sale, and each write is a synced transaction."""
        now = self.ctx.clock()
        if self.owns and self._renew_at is not None and now < self._renew_at:
            return True
        with self.ctx.db.unit_of_work() as s:
            lease = s.get(PrinterLease, "printer")
            other = lease.owner if lease is not None and lease.owner != self.owner and lease.until > now else None
            if other is None:
                lease = lease or PrinterLease(name="printer")
                lease.owner, lease.until = self.owner, now + timedelta(seconds=self.lease_ttl)
                s.add(lease)
        if other is not None:
            if not self._told_waiting:
                log.warning("print worker: %s prints this store's receipts; this process (%s) waits", other, self.owner)
            self.owns, self._told_waiting = False, True
            return False
        if not self.owns:
            log.info("print worker: this process (%s) prints", self.owner)
            self.recover()
        self.owns, self._told_waiting = True, False
        self._renew_at = now + timedelta(seconds=self.lease_ttl / 2)
        return True

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                if not self.hold_printer():
                    self._stop.wait(min(self.lease_ttl, 5.0))
                    continue
                wait = self.run_once()
            except Exception:  # noqa: BLE001 - the worker must outlive a database hiccup
                log.exception("print worker: unexpected error; trying again shortly")
                wait = IDLE_POLL
            if wait > 0:
                self.queue.wakeup.wait(min(wait, IDLE_POLL))
                self.queue.wakeup.clear()

    def recover(self) -> None:
        """A job left "printing" by a stopped server may not be on paper: print it again (never lose one)."""
        with self.ctx.db.unit_of_work() as s:
            s.execute(
                update(PrintJob)
                .where(PrintJob.state == "printing")
                .values(state="queued", last_error="interrupted: the server stopped while printing")
            )

    # --- one step ----------------------------------------------------------------------------------------
    def run_once(self) -> float:
        """Try the head of the queue if it is due; returns how long to wait before looking again."""
        claimed, wait = self._claim()
        if claimed is None:
            self.publish()
            return wait
        try:
            data = self._render(claimed)
        except Exception as e:  # noqa: BLE001 - a job that cannot be rendered must not block the queue
            log.exception("print job %s cannot be rendered", claimed.id)
            self._finish(claimed.id, state="failed", error=f"render_error: {e}")
            self.publish()
            return 0.0
        try:
            self._print(data)
        except PrinterProblem as e:
            self._retry(claimed, f"{e.code}: {e.message}")
        except Exception as e:  # noqa: BLE001 - any device error: keep the job, try later
            self._retry(claimed, f"error: {type(e).__name__}: {e}")
        else:
            self._finish(claimed.id, state="printed")
        self.publish()
        return 0.0

    def _claim(self) -> tuple[_Claimed | None, float]:
        now = self.ctx.clock()
        with self.ctx.db.unit_of_work() as s:
            job = s.scalar(select(PrintJob).where(PrintJob.state.in_(WAITING)).order_by(PrintJob.seq).limit(1))
            if job is None:
                return None, IDLE_POLL
            if job.next_attempt_at > now:
                return None, max(0.01, (job.next_attempt_at - now).total_seconds())
            if job.kind == "drawer" and now - job.created_at > DRAWER_WINDOW:
                job.state, job.last_error = (
                    "failed",
                    "expired: the printer was not reachable in time to open the drawer",
                )
                return None, 0.0
            job.state, job.attempts = "printing", job.attempts + 1
            return _Claimed(job.id, job.kind, job.number, job.payload, job.created_at, job.attempts), 0.0

    def _render(self, job: _Claimed) -> bytes:
        cfg = self.ctx.config.printer
        if job.kind == "drawer":
            return render_drawer_kick(cfg)
        if job.kind == "cash":  # cash in or out of the drawer: a slip, the kick only while the till still waits
            late = self.ctx.clock() - job.created_at > DRAWER_WINDOW
            return render_slip(json.loads(job.payload), cfg, kick=cfg.drawer_kick and not late)
        if job.kind == "ticket":  # a kiosk cart's ticket: no receipt, never a drawer kick
            return render_ticket(json.loads(job.payload), cfg)
        with self.ctx.db.sessions() as s:  # a sale's receipt is built now, from the sale as stored
            receipt = receipts.job_receipt(s, self.ctx, job.number, json.loads(job.payload))
        kick = (
            cfg.drawer_kick
            and receipt.has_cash
            and job.kind in ("sale", "refund")
            and self.ctx.clock() - job.created_at <= DRAWER_WINDOW
        )
        return render_receipt(receipt, cfg, kick=kick, locale=self.ctx.config.i18n.default_locale)

    def _print(self, data: bytes) -> None:
        device = self.factory(self.ctx.config.printer)
        try:
            status = device.status()
            if status is not None:
                self.queue.paper_low = status.paper_low
                if status.problem:
                    raise PrinterProblem(status.problem, f"{device.where}: {status.problem.replace('_', ' ')}")
            device.send(data)
            device.confirm()
        finally:
            device.close()

    def _retry(self, job: _Claimed, error: str) -> None:
        cfg = self.ctx.config.printer
        delay = min(cfg.retry_max, cfg.retry_initial * 2 ** min(job.attempts - 1, 30))
        log.warning("print job %s failed (attempt %d), retrying in %.1fs: %s", job.id, job.attempts, delay, error)
        self._finish(job.id, state="queued", error=error, next_attempt_at=self.ctx.clock() + timedelta(seconds=delay))

    def _finish(
        self, job_id: str, state: str, error: str | None = None, next_attempt_at: datetime | None = None
    ) -> None:
        values: dict[str, Any] = {"state": state}
        if error is not None:
            values["last_error"] = error[:200]
        if next_attempt_at is not None:
            values["next_attempt_at"] = next_attempt_at
        if state == "printed":
            values["printed_at"] = self.ctx.clock()
        with self.ctx.db.unit_of_work() as s:
            # Only a job still ours: a manager may not change a job while it prints, but be safe.
            s.execute(update(PrintJob).where(PrintJob.id == job_id, PrintJob.state == "printing").values(**values))

    # --- live status -------------------------------------------------------------------------------------
    def publish(self, force: bool = False) -> dict[str, Any]:
        """Send "printer_status" to every till when it changed."""
        status = printer_status(self.ctx)
        now = time.monotonic()
        # A problem is repeated now and then for tills that joined after it was first sent.
        repeat = status["level"] != "ok" and now - self._last_sent > REPEAT_PROBLEM
        if force or repeat or status != self._last_status:
            self._last_status, self._last_sent = status, now
            for till in self.ctx.config.store.tills:
                self.ctx.notify("printer_status", {"till_id": till, **status})
        return status


def start_worker(ctx: StoreContext, device_factory: DeviceFactory = open_device) -> PrintWorker:
    """Start the one print worker of this store server (never at import; the server or a test calls this)."""
    worker = PrintWorker(ctx, device_factory).start()
    worker.publish(force=True)
    return worker
