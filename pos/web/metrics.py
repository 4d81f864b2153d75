"""The store server's /metrics: HTTP figures, and the outbox, printer, sync and backups read at each scrape."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import Flask
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from common.web.metrics import install_metrics
from pos.services.context import StoreContext
from pos.services.ops_figures import store_figures

PRINTER_LEVEL = {"ok": 0, "none": 0, "warn": 1, "error": 2}
GAUGES = {
    "outbox_depth": ("omnitoko_store_outbox_depth", "Events waiting to be pushed to central"),
    "outbox_oldest_seconds": ("omnitoko_store_outbox_oldest_age_seconds", "Age of the oldest unsent event"),
    "dead_letters": ("omnitoko_store_dead_letters", "Events central refused, not yet resolved"),
    "printer_waiting": ("omnitoko_store_printer_queue", "Receipts waiting for the printer"),
    "sync_round_age": ("omnitoko_store_sync_last_round_age_seconds", "Seconds since the sync agent's last round"),
    "sync_success_age": ("omnitoko_store_sync_last_success_age_seconds", "Seconds since its last good round"),
    "backup_last_success": ("omnitoko_store_backup_last_success_timestamp_seconds", "When the last backup was written"),
    "backup_failures": ("omnitoko_store_backup_failures", "Backups that failed since the server started"),
    "backup_bytes": ("omnitoko_store_backup_size_bytes", "Size of the last backup"),
}


class StoreCollector(Collector):
    def __init__(self, ctx: StoreContext) -> None:
        self.ctx = ctx

    def collect(self) -> Iterator[Any]:
        figures = store_figures(self.ctx)
        for key, (name, doc) in GAUGES.items():
            if figures[key] is not None:
                family = GaugeMetricFamily(name, doc)
                family.add_metric([], float(figures[key]))
                yield family
        printer = GaugeMetricFamily("omnitoko_store_printer_state", "The printer: 0 ok, 1 warning, 2 fault")
        printer.add_metric([], PRINTER_LEVEL.get(figures["printer"], 2))
        yield printer
        jobs = GaugeMetricFamily("omnitoko_store_print_jobs", "Print jobs by state", labels=["state"])
        for state, n in sorted(figures["print_jobs"].items()):
            jobs.add_metric([state], n)
        yield jobs
        info = GaugeMetricFamily("omnitoko_store_info", "This store server", labels=["store", "version"])
        info.add_metric([self.ctx.store_id, figures["version"]], 1)
        yield info


def install(app: Flask, ctx: StoreContext) -> None:
    install_metrics(app, ctx.config.metrics, "omnitoko_store", [StoreCollector(ctx)])
