"""Many stores at once against the central store on PostgreSQL, served as in production (granian; BENCH_SERVER=gunicorn
for the fallback).

Three measures in one run, server and PostgreSQL on this machine, clients in 4 processes of their own:

1. The chain at its peak, an OPEN loop (bench/scale_load.py): N stores (BENCH_SCALE_STORES, default 100) whose
   sales arrive at BENCH_SCALE_RATE sales/s each (default 0.18: a busy store at its peak, 8 tills each ringing a
   sale every ~45 s), their agents pushing what they have every 0.5 s and pulling every 5 s as the real agent
   does, plus BENCH_SCALE_QUIET quiet stores (default 100) that only pull every 5 s, for BENCH_SCALE_SECONDS
   (default 20). Every request is due at a time fixed in advance and its latency counts from then, so queueing
   is never hidden. Figures: events/s, push p50/p99, idle pull p99, errors, PostgreSQL connections, and the CPU
   of the server (its processes), of PostgreSQL (the server's backends) and of the load generator itself.
2. Saturation: the same open loop at 2x, 4x, 8x... the rate (BENCH_SCALE_STEP_SECONDS each) until push p99
   reaches 1 s: the highest offered rate that kept it under; then the CLOSED loop (each store pushes 5-sale
   batches back to back): its events/s, and the server's CPU per push.
3. The server's CPU per idle pull: quiet stores pulling back to back (BENCH_SCALE_IDLE_SECONDS, default 15).

Run: python -m bench.central_scale (or `make bench`). Needs the PostgreSQL at OMNITOKO_BENCH_PG; works in a
schema of its own, dropped at the end. The clients share the cores with the server: on 2 shared cores the
figures are a floor, not what a server with its own cores gives.
"""

from __future__ import annotations

import multiprocessing
import os
import time
import uuid
from typing import Any

from sqlalchemy import create_engine, text

from bench import Row, percentile, pg_schema, print_table, row, scratch_dir
from bench.scale_load import Plan, agent_step, closed_step, pull_step, ready
from bench.scale_meter import SERVER, Meter, demo_central, quiet_stores, served_central
from bench.sync_drain import SKUS
from central.config import CentralConfig
from central.services import feed, stock, stores
from central.services.stock import Movement
from central.web.serving import connections

PG = os.environ.get("OMNITOKO_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
N_STORES = int(os.environ.get("BENCH_SCALE_STORES", "100"))
N_QUIET = int(os.environ.get("BENCH_SCALE_QUIET", "100"))
RATE = float(os.environ.get("BENCH_SCALE_RATE", str(8 / 45)))  # sales/s per store: 8 tills, a sale per 45 s each
SECONDS = float(os.environ.get("BENCH_SCALE_SECONDS", "20"))
STEP_SECONDS = float(os.environ.get("BENCH_SCALE_STEP_SECONDS", "10"))
CLOSED_SECONDS = float(os.environ.get("BENCH_SCALE_CLOSED_SECONDS", "10"))
# The idle-pull hammer: 5 s gave 0.93-1.50 ms on one quiet box; 15 s settles the figure (a step's start is noisy).
IDLE_SECONDS = float(os.environ.get("BENCH_SCALE_IDLE_SECONDS", "15"))
_SERVER = CentralConfig().server  # the shipped defaults, unless the run names others
WORKERS = int(os.environ.get("BENCH_SCALE_WORKERS", _SERVER.workers))
THREADS = int(os.environ.get("BENCH_SCALE_THREADS", _SERVER.threads))
PUSH_SLOTS = int(os.environ.get("BENCH_SCALE_PUSH_SLOTS", _SERVER.push_slots))
CLIENTS = int(os.environ.get("BENCH_SCALE_CLIENTS", "4"))
MAX_STEPS = 7  # 1x .. 64x the peak rate


def _merge(parts: list[dict[str, Any]]) -> dict[str, Any]:
    got: dict[str, Any] = {
        k: [x for p in parts for x in p[k]] for k in ("push", "push_service", "pull", "idle", "errors")
    }
    for k in ("applied", "dropped", "pulls", "pushes", "cpu"):
        got[k] = sum(p[k] for p in parts)
    if max(p["late_start"] for p in parts) > 0.5:  # its first requests count as late: the figures show it
        print(f"  a client process was ready {max(p['late_start'] for p in parts):.1f} s after the common start")
    got["elapsed"] = max(p["span"][1] for p in parts) - min(p["span"][0] for p in parts)
    return got


def _p(samples: list[float], pct: float) -> float:
    return percentile(samples, pct) * 1000 if samples else 0.0


class Run:
    def __init__(self, base: str, url: str, tokens: list[tuple[str, str]], quiet: list[tuple[str, str]], meter: Meter):
        self.base, self.url, self.tokens, self.quiet, self.meter = base, url, tokens, quiet, meter
        self.pool = multiprocessing.get_context("spawn").Pool(CLIENTS, initializer=ready)
        self.pool.map(ready, range(CLIENTS * 4))  # every process up and importing done before the first schedule

    def seqs(self) -> tuple[dict[str, int], int]:
        """Each store's last store_seq at central, and the feed head."""
        engine = create_engine(self.url)
        with engine.connect() as c:
            got = {r[0]: r[1] for r in c.execute(text("SELECT id, last_seq FROM stores"))}
            head = int(c.execute(text("SELECT feed_seq FROM central_meta WHERE id = 1")).scalar() or 0)
        engine.dispose()
        return {k: int(v or 0) for k, v in got.items()}, head

    def step(self, fn: Any, seconds: float, rate: float = 0.0, seed: int = 0) -> dict[str, Any]:
        seqs, head = self.seqs()
        # Time for every client process to build its schedules and bring its agents to the head, on a busy box.
        start = time.time() + 6 + 0.1 * (len(self.tokens) + len(self.quiet)) / CLIENTS
        plans = [
            Plan(
                self.base,
                [(s, t, seqs[s]) for s, t in self.tokens[i::CLIENTS]],
                self.quiet[i::CLIENTS],
                start,
                seconds,
                rate,
                seed=seed,
                cursor=head,
            )
            for i in range(CLIENTS)
        ]
        web0, pg0 = self.meter.read()
        got = _merge(self.pool.map(fn, plans))
        web1, pg1 = self.meter.read()
        got["web_cpu"], got["pg_cpu"] = web1 - web0, pg1 - pg0
        return got

    def close(self) -> None:
        self.pool.close()
        self.pool.join()


def _passes(got: dict[str, Any]) -> bool:
    return bool(got["push"]) and _p(got["push"], 99) < 1000 and not got["errors"] and not got["dropped"]


def measure(run: Run) -> list[Row]:
    peak = run.step(agent_step, SECONDS, RATE, seed=1)
    offered = RATE * N_STORES
    requests_made = peak["pushes"] + peak["pulls"]
    el = peak["elapsed"]
    rows = [
        row(
            f"offered: {N_STORES} stores x {RATE:.2f} sales/s + {N_QUIET} quiet stores, pulls every 5 s",
            offered,
            "sales/s",
        ),
        row("events applied per second", peak["applied"] / el, "events/s"),
        row("push p50 (from its due time)", _p(peak["push"], 50), "ms"),
        row("push p99 (from its due time)", _p(peak["push"], 99), "ms", "< 1 s"),
        row("idle pull p99 (nothing new; from its due time)", _p(peak["idle"], 99), "ms", "< 50 ms"),
        row("pull p99 (every pull)", _p(peak["pull"], 99), "ms"),
        row(
            "responses >= 500, failed requests, requests dropped late",
            float(len(peak["errors"]) + peak["dropped"]),
            "errors",
            "0",
        ),
        row(
            f"server CPU ({SERVER}) / PostgreSQL backends / load generator",
            100 * peak["web_cpu"] / el,
            f"% of a core / {100 * peak['pg_cpu'] / el:.0f} / {100 * peak['cpu'] / el:.0f}",
        ),
        row(
            f"server CPU per request ({SERVER}, pushes and pulls together)",
            1000 * peak["web_cpu"] / max(1, requests_made),
            "ms",
        ),
    ]
    best, mult, first_fail = (offered if _passes(peak) else 0.0), 2, None
    for n in range(MAX_STEPS - 1):
        got = run.step(agent_step, STEP_SECONDS, RATE * mult, seed=10 + n)
        print(
            f"  step {mult}x ({RATE * mult * N_STORES:.0f} sales/s): push p99 {_p(got['push'], 99):.0f} ms, "
            f"idle pull p99 {_p(got['idle'], 99):.0f} ms, errors {len(got['errors'])}, dropped {got['dropped']}",
            flush=True,
        )
        if not _passes(got):
            first_fail = RATE * mult * N_STORES
            break
        best, mult = RATE * mult * N_STORES, mult * 2
    rows.append(
        row(
            "highest offered rate with push p99 < 1 s (step-up x2)",
            best,
            "sales/s",
            baseline=f"first failing: {first_fail:.0f}" if first_fail else "none failed",
            ratio=best / offered,
        )
    )
    closed = run.step(closed_step, CLOSED_SECONDS)
    rows += [
        row(
            "closed loop (5-sale batches back to back): events applied per second",
            closed["applied"] / closed["elapsed"],
            "events/s",
        ),
        row("closed loop push p50 / p99", _p(closed["push"], 50), f"ms / {_p(closed['push'], 99):,.0f} ms"),
        row(
            f"server CPU per 5-sale push: {SERVER}",
            1000 * closed["web_cpu"] / max(1, closed["pushes"]),
            f"ms (+ {1000 * closed['pg_cpu'] / max(1, closed['pushes']):.1f} ms PostgreSQL)",
        ),
    ]
    hammer = run.step(pull_step, IDLE_SECONDS)
    rows += [
        row(
            f"server CPU per idle pull: {SERVER}",
            1000 * hammer["web_cpu"] / max(1, hammer["pulls"]),
            f"ms (+ {1000 * hammer['pg_cpu'] / max(1, hammer['pulls']):.2f} ms PostgreSQL)",
            "< 1 ms",
        ),
    ]
    bad = peak["errors"] + closed["errors"] + hammer["errors"]
    if bad:
        print("errors:", sorted(set(bad))[:10])
    return rows


def run() -> list[Row]:
    with pg_schema(PG, "omnitoko_scale") as (url, schema):
        ctx = demo_central(url, 40)
        tokens = [(f"S{i:04d}", stores.add_store(ctx, f"S{i:04d}", f"Store {i}")) for i in range(1, N_STORES + 1)]
        quiet = quiet_stores(ctx, N_QUIET)
        with ctx.db.unit_of_work() as s:
            for sid, _ in tokens:
                feed.append(
                    s,
                    ctx,
                    stock.post(s, ctx, sid, [Movement(str(uuid.uuid4()), sku, 1_000_000, "receipt") for sku in SKUS]),
                )
        feed.sequence(ctx)
        ctx.db.dispose()

        app_name = f"omnitoko_scale_{os.getpid()}"  # the server's own connections, not others' on this database
        args = ["--workers", str(WORKERS), "--threads", str(THREADS)]
        push_slots = {"OMNITOKO_CENTRAL_SERVER__PUSH_SLOTS": str(PUSH_SLOTS)}
        with served_central(url, app_name, scratch_dir("central_scale"), args, push_slots) as (base, pid):
            meter = Meter(PG, pid, app_name)
            runner = Run(base, url, tokens, quiet, meter)
            try:
                rows = measure(runner)
            finally:
                runner.close()
                meter.stop.set()
        rows.append(
            row(
                "most PostgreSQL connections held",
                float(max(meter.seen) if meter.seen else 0),
                "connections",
                f"<= {connections(ctx.config, WORKERS)} (configured bound)",
            )
        )
        db = ctx.config.database
        print_table(
            rows,
            f"central_scale: {N_STORES} + {N_QUIET} stores, {SECONDS:.0f} s at the peak rate; {SERVER} {WORKERS} "
            f"workers x {THREADS} threads, {PUSH_SLOTS} push slots, pool {db.pool_size}+{db.max_overflow} per "
            f"worker; {CLIENTS} client processes; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs",
        )
        return rows


if __name__ == "__main__":
    run()
