"""The central store's /metrics: its HTTP figures and push outcomes (counters, added up across the server's workers
in prometheus_client's multiprocess mode), and per-store health read from the database at each scrape."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from flask import Flask
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from central.services import store_health
from central.services.context import CentralContext
from common.web.metrics import AppMetrics, install_metrics, metrics_of

log = logging.getLogger(__name__)
PUSH_EVENTS = "push_events_total"  # central's own counter: pushed events by outcome
PRINTER_LEVEL = {"ok": 0, "none": 0, "warn": 1, "error": 2}


class StoreHealthCollector(Collector):
    def __init__(self, ctx: CentralContext) -> None:
        self.ctx = ctx

    def collect(self) -> Iterator[Any]:
        try:
            health = store_health.health_overview(self.ctx)
        except Exception:  # noqa: BLE001 - the database is down: the scrape still answers with the request figures
            up = GaugeMetricFamily("omnitoko_central_database_up", "1 when the database answered this scrape")
            up.add_metric([], 0)
            yield up
            return
        up = GaugeMetricFamily("omnitoko_central_database_up", "1 when the database answered this scrape")
        up.add_metric([], 1)
        yield up
        head = GaugeMetricFamily("omnitoko_central_feed_head", "The change feed's highest sequence number")
        head.add_metric([], health["feed_head"])
        yield head
        gauges = {
            "last_contact_age": (
                "omnitoko_central_store_last_contact_age_seconds",
                "Seconds since the store's last sync call",
            ),
            "last_seq": ("omnitoko_central_store_events_received", "The store's high-water store_seq at central"),
            "feed_lag": ("omnitoko_central_store_feed_lag", "Feed changes after the store's last pull cursor"),
            "outbox_depth": ("omnitoko_central_store_outbox_depth", "Events waiting in the store's outbox (reported)"),
            "outbox_oldest_seconds": (
                "omnitoko_central_store_outbox_oldest_age_seconds",
                "Age of the oldest unsent event (reported)",
            ),
            "dead_letters": ("omnitoko_central_store_dead_letters", "Unresolved dead-lettered events of the store"),
            "printer_waiting": (
                "omnitoko_central_store_printer_queue",
                "Receipts waiting for the store's printer (reported)",
            ),
            "round_seconds": (
                "omnitoko_central_store_sync_round_seconds",
                "The store agent's last sync round (reported)",
            ),
            "clock_skew_seconds": ("omnitoko_central_store_clock_skew_seconds", "The store's clock minus central's"),
        }
        families = {k: GaugeMetricFamily(name, doc, labels=["store"]) for k, (name, doc) in gauges.items()}
        printer = GaugeMetricFamily(
            "omnitoko_central_store_printer_state", "The store printer: 0 ok, 1 warning, 2 fault", labels=["store"]
        )
        info = GaugeMetricFamily(
            "omnitoko_central_store_info", "The store's reported version", labels=["store", "version"]
        )
        for st in health["stores"]:
            for key, family in families.items():
                if st[key] is not None:
                    family.add_metric([st["id"]], float(st[key]))
            if st["printer"] is not None:
                printer.add_metric([st["id"]], PRINTER_LEVEL.get(st["printer"], 2))
            info.add_metric([st["id"], st["version"] or "unknown"], 1)
        yield from families.values()
        yield printer
        yield info


def install(app: Flask, ctx: CentralContext) -> AppMetrics:
    metrics = install_metrics(app, ctx.config.metrics, "omnitoko_central", [StoreHealthCollector(ctx)])
    metrics.counter(
        PUSH_EVENTS,
        "Pushed events by outcome (applied, duplicate, rejected = dead-lettered, conflict, gap, skipped)",
        ["outcome"],
    )
    return metrics


def count_push(app: Flask, results: list[dict[str, Any]]) -> None:
    metrics = metrics_of(app)
    counter = metrics.counters.get(PUSH_EVENTS) if metrics else None
    if counter is None:
        return
    tally: dict[str, int] = {}
    for r in results:
        tally[str(r.get("outcome"))] = tally.get(str(r.get("outcome")), 0) + 1
    for outcome, n in tally.items():
        counter.labels(outcome).inc(n)
    if tally:
        log.info("push: %s", ", ".join(f"{k} {v}" for k, v in sorted(tally.items())))
