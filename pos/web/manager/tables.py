"""A table on a manager page: its columns, rows and the URL of its CSV export (the same rows, unformatted)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Response

from common.csv_export import csv_text
from common.web.csv_download import csv_download
from pos.services.store_time import today

from ..api.common import ctx
from . import fmt
from .access import said, t


@dataclass
class Table:
    name: str
    columns: list[tuple[str, str]]  # (key, kind): kind decides alignment and format
    rows: list[dict[str, Any]]
    csv_url: str = ""
    # column key -> endpoint taking that value as `code`, or (endpoint, row key whose value is the `code`)
    links: dict[str, str | tuple[str, str]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)  # column key -> its header where `col.<key>` will not do

    def csv(self, filename: str | None = None) -> Response:
        return csv_response(self.columns, self.rows, filename or self.name, self.labels)


def header(key: str, labels: dict[str, str] | None = None) -> str:
    """A column's header in the page's language, as the table on the page names it."""
    if labels and key in labels:
        return labels[key]
    if key.startswith("at:"):  # stock at another store, named by its code when the page gave no name
        return t("col.stock_at", store=key[3:])
    return t(f"col.{key}")


def csv_response(
    columns: list[tuple[str, str]], rows: list[dict[str, Any]], name: str, labels: dict[str, str] | None = None
) -> Response:
    units = {"weight": t("unit.kg"), "unit": t("unit.pcs")}
    coded = [key for key, kind in columns if kind in fmt.CODED]
    if coded:  # "Tunai", "Rusak", "Stok opname diposting" as on the page, not the codes behind them
        rows = [{**r, **{k: said(kind, r[k]) for k, kind in columns if k in coded and r.get(k)}} for r in rows]
    body = csv_text(columns, rows, lambda key: header(key, labels), units)
    stamp = today(ctx()).isoformat()  # the store's date (WIB), not the server's UTC one
    return csv_download(body, f"{name}-{stamp}.csv")
