"""Central's housekeeping on a schedule: redemption holds past their time are released, then points expire.

`omnitoko central worker` runs the schedule (`central serve` starts that worker beside gunicorn; `serve --dev`
runs it as a thread), never at import and never inside create_central_app, so tests decide. A run takes a lock
across processes and hosts first (singleton.exclusive) and is skipped where another holds it. The jobs are safe
to run again anyway: each works one member at a time under that member's row lock and counts again under it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from . import loyalty_holds, notify_limit, order_refunds, payments, till_qris
from .context import CentralContext
from .loyalty_expiry import expire_points
from .singleton import exclusive

log = logging.getLogger(__name__)
FIRST_RUN_SECONDS = 3.0  # the first run waits this long, so the server is up and listening first

Job = Callable[[CentralContext], str]  # does its work, says what it did in a few words


def release_holds(ctx: CentralContext) -> str:
    return f"{loyalty_holds.release_lapsed(ctx)} lapsed holds released"


def expire(ctx: CentralContext) -> str:
    done = expire_points(ctx)
    if done.cutoff is None:
        return "points never expire (expire_after_days = 0)"
    return f"{done.points} points of {done.members} members expired"


def settle_lapsed_payments(ctx: CentralContext) -> str:
    if ctx.gateway is None or not ctx.config.payments.server_key:
        return "online payment is not set up"
    swept = payments.sweep(ctx), till_qris.sweep(ctx)
    return f"{swept[0]} lapsed online payments and {swept[1]} till QRIS charges settled with the gateway"


def forget_notify_counts(ctx: CentralContext) -> str:
    return f"{notify_limit.forget(ctx)} notification counts of past minutes dropped"


def send_order_refunds(ctx: CentralContext) -> str:
    if ctx.gateway is None or not ctx.config.payments.server_key:
        return "online payment is not set up"
    return f"{order_refunds.send_due(ctx)} online order refunds sent to the gateway"


# holds first: frees points; payments past their page's expiry are asked about (a notification may be lost);
# refunds that online orders owe and that did not reach the gateway at push time are sent again (same key)
JOBS: tuple[tuple[str, Job], ...] = (
    ("holds", release_holds),
    ("expiry", expire),
    ("payments", settle_lapsed_payments),
    ("order_refunds", send_order_refunds),
    ("notify_counts", forget_notify_counts),
)


class Housekeeping:
    """One daemon thread: a run shortly after start, then one every `every` seconds until stop()."""

    def __init__(
        self,
        ctx: CentralContext,
        every: float,
        first_after: float = FIRST_RUN_SECONDS,
        jobs: tuple[tuple[str, Job], ...] = JOBS,
    ) -> None:
        self.ctx, self.every, self.first_after, self.jobs = ctx, every, first_after, jobs
        self.runs = 0  # runs finished, with or without errors
        self.skipped = 0  # runs left to another process that held the lock
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> Housekeeping:
        self._thread = threading.Thread(target=self._loop, name="central-housekeeping", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 30.0) -> None:
        """Ask the thread to stop and wait for it (a run in progress finishes its current member first)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _loop(self) -> None:
        wait = self.first_after
        while not self._stop.wait(wait):
            self.run_once()
            wait = self.every

    def run_once(self) -> list[str]:
        """Every job once; a job that fails is logged and the others still run. One log line per run.

        Only one process of the whole central store runs at a time (singleton.exclusive); the others skip.
        """
        with exclusive(self.ctx, "housekeeping") as mine:
            if not mine:
                self.skipped += 1
                log.info("housekeeping: another process is running it; skipped")
                return []
            return self._jobs()

    def _jobs(self) -> list[str]:
        said = []
        for name, job in self.jobs:
            if self._stop.is_set():
                break
            try:
                said.append(job(self.ctx))
            except Exception as e:  # noqa: BLE001 - one bad run must not end the schedule: the next run tries again
                log.exception("housekeeping: %s failed", name)
                said.append(f"{name} failed ({type(e).__name__}: {e})")
        self.runs += 1
        log.info("housekeeping run %d: %s", self.runs, "; ".join(said))
        return said


def start_housekeeping(ctx: CentralContext, first_after: float = FIRST_RUN_SECONDS) -> Housekeeping | None:
    """Start the schedule of [loyalty] expire_every_minutes; None when it is 0 (off)."""
    minutes = ctx.config.loyalty.expire_every_minutes
    if minutes <= 0:
        log.info("housekeeping is off ([loyalty] expire_every_minutes = 0)")
        return None
    return Housekeeping(ctx, every=minutes * 60.0, first_after=first_after).start()
