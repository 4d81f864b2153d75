"""Prometheus `/metrics` for either server (prometheus_client), request ids, and who may read the metrics.

Per app: requests and latency per route (the URL rule, never the raw path, so ids do not explode the series),
an `X-Request-ID` on every answer (the caller's, when it sent a sane one), and `/metrics` itself. Figures that
live in the database (outbox depth, printer queue, per-store health) are read when Prometheus scrapes, by the
collectors each server adds, so they are right whichever process answers.

Several processes (granian's or gunicorn's workers): when PROMETHEUS_MULTIPROC_DIR is set before prometheus_client is first
imported, counters and histograms are kept in files there and every scrape adds up all workers
(prometheus_client's multiprocess mode); `central serve` sets it up.

Who may read: with [metrics] token set, a request must carry `Authorization: Bearer <token>`; without one, only
this machine (127.0.0.1, ::1) may. Behind a reverse proxy on the same machine, set a token (or trust_proxy).
"""

from __future__ import annotations

import hmac
import os
import re
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, Response, abort, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.registry import Collector

from common.ops_tables import MetricsTable

LOCAL = {"127.0.0.1", "::1", "::ffff:127.0.0.1"}
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class AppMetrics:
    """The metrics of one app; `counter()` adds more (the central store counts push outcomes)."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.registry = CollectorRegistry(auto_describe=True)
        self.scraped: list[Collector] = []  # read at scrape time (database figures): never in the files
        self.requests = Counter(
            f"{prefix}_http_requests_total",
            "HTTP requests answered, by route, method and status",
            ["route", "method", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            f"{prefix}_http_request_duration_seconds",
            "Time to answer, by route and method",
            ["route", "method"],
            buckets=BUCKETS,
            registry=self.registry,
        )

        self.counters: dict[str, Counter] = {}  # the app's own, by name (`counter()`)
        self._series: dict[tuple[str, str, int], tuple[Any, Any]] = {}  # (route, method, status): counter, histogram

    def record(self, route: str, method: str, status: int, seconds: float) -> None:
        """One request answered: its count and its latency (prometheus_client's labels() checks and locks on every
        call, so each series is looked up once)."""
        key = (route, method, status)
        found = self._series.get(key)
        if found is None:
            found = self._series[key] = (
                self.requests.labels(route, method, str(status)),
                self.latency.labels(route, method),
            )
        found[0].inc()
        found[1].observe(seconds)

    def counter(self, name: str, doc: str, labels: Iterable[str]) -> Counter:
        """A counter of this app's, also kept in `counters` under `name`."""
        self.counters[name] = Counter(f"{self.prefix}_{name}", doc, list(labels), registry=self.registry)
        return self.counters[name]

    def histogram(self, name: str, doc: str, labels: Iterable[str] = ()) -> Histogram:
        return Histogram(f"{self.prefix}_{name}", doc, list(labels), buckets=BUCKETS, registry=self.registry)

    def exposition(self) -> bytes:
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            from prometheus_client import multiprocess

            merged = CollectorRegistry()
            multiprocess.MultiProcessCollector(merged)  # type: ignore[no-untyped-call]  # not annotated upstream
            out = generate_latest(merged)
        else:
            out = generate_latest(self.registry)
        live = CollectorRegistry(auto_describe=False)
        for collector in self.scraped:
            live.register(collector)
        return out + generate_latest(live)


def install_metrics(
    app: Flask, config: MetricsTable, prefix: str, collectors: list[Collector] | None = None
) -> AppMetrics:
    """Request ids and timing on every request; `/metrics` when [metrics] enabled."""
    metrics = AppMetrics(prefix)
    metrics.scraped += collectors or []
    app.extensions["omnitoko_metrics"] = metrics

    @app.before_request
    def _start() -> None:
        g.request_id = request_id_of(request.headers.get("X-Request-ID", ""))
        g.request_started = time.perf_counter()

    @app.after_request
    def _finish(response: Response) -> Response:
        started = g.get("request_started")
        if started is not None:
            rule = request.url_rule
            route = rule.rule if rule is not None else "(no route)"
            metrics.record(route, request.method, response.status_code, time.perf_counter() - started)
        if g.get("request_id"):
            response.headers["X-Request-ID"] = g.request_id
        return response

    if config.enabled:

        def scrape() -> Response:
            _allowed(config)
            return Response(metrics.exposition(), mimetype=CONTENT_TYPE_LATEST)

        app.add_url_rule("/metrics", "metrics", scrape, methods=["GET"])
    return metrics


def request_id_of(given: str) -> str:
    """The id an answer carries: the caller's X-Request-ID when it is sane, else a new one."""
    return given if _REQUEST_ID.match(given) else uuid.uuid4().hex


def _allowed(config: MetricsTable) -> None:
    if config.token:
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), config.token.encode()):
            abort(401)
    elif (request.remote_addr or "") not in LOCAL:
        abort(403)


def metrics_of(app: Flask) -> AppMetrics | None:
    return app.extensions.get("omnitoko_metrics")


def safe(read: Callable[[], Any], default: Any) -> Any:
    """A database figure for a scrape; a database that does not answer gives the default, not a 500."""
    try:
        return read()
    except Exception:  # noqa: BLE001 - a scrape must answer; `up` and the request counters still tell
        return default
