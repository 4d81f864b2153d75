"""A table on a manager page: its columns, rows and the URL of its CSV export (the same rows, unformatted)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import Response

from pos.services.reports import csv_text


@dataclass
class Table:
    name: str
    columns: list[tuple[str, str]]  # (key, kind): kind decides alignment and format
    rows: list[dict[str, Any]]
    csv_url: str = ""
    links: dict[str, str] = field(default_factory=dict)  # column key -> endpoint taking that value as `code`

    def csv(self, filename: str | None = None) -> Response:
        return csv_response(self.columns, self.rows, filename or self.name)


def csv_response(columns: list[tuple[str, str]], rows: list[dict[str, Any]], name: str) -> Response:
    # A BOM so spreadsheet programs open the UTF-8 names (Bahasa, "Rp") correctly.
    body = "\ufeff" + csv_text(columns, rows)
    stamp = date.today().isoformat()
    return Response(
        body, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{name}-{stamp}.csv"'}
    )
