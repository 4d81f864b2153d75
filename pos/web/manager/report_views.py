"""The sales report page: summary, then each table with its chart beside it and its CSV export."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, g, request, url_for
from markupsafe import Markup

from common.days import parse_day
from common.errors import DomainError
from pos.services import reports
from pos.services.store_time import to_local

from ..api.common import ctx
from . import charts, fmt
from .access import err, page, t
from .tables import Table


def parse_date(raw: str | None) -> date | None:
    """A date field's day (common.days: 23/11/2026, 23/11 this year, or ISO from a link), on the store's clock."""
    return parse_day(raw, to_local(ctx(), ctx().clock()).date())


def _range_args() -> tuple[date | None, date | None, int]:
    top = request.args.get("top", "20")
    return parse_date(request.args.get("from")), parse_date(request.args.get("to")), int(top) if top.isdigit() else 20


# Ranked tables get horizontal bars (label column, value column); the discount and refund lists get none.
BAR_CHARTS = {
    "by_category": ("name", "net"),
    "by_cashier": ("name", "total"),
    "tenders": ("type", "net"),
    "top_products": ("name", "net"),
}
CHARTED = {"by_day", "by_hour", *BAR_CHARTS}


def _chart(name: str, rows: list[dict[str, Any]]) -> Markup:
    lang, title = g.get("lang", "id"), t(f"report.{name}")
    if name == "by_day":
        return charts.column_chart(
            [r["date"].strftime("%d/%m") for r in rows],
            [r["total"] for r in rows],
            title=title,
            value_text=fmt.money,
            lang=lang,
        )
    if name == "by_hour":
        return charts.column_chart(
            [f"{r['hour']:02d}" for r in rows], [r["total"] for r in rows], title=title, value_text=fmt.money, lang=lang
        )
    label, value = BAR_CHARTS[name]
    rows = rows[:20]
    labels = [t(f"tender.{r[label]}") if name == "tenders" else str(r[label]) for r in rows]
    return charts.bar_chart(labels, [r[value] for r in rows], title=title, value_text=fmt.money)


def trim_hours(tables: list[Table]) -> None:
    """The hour table from the first to the last hour with sales (the chart keeps all 24 hours)."""
    hours = next(tb for tb in tables if tb.name == "by_hour")
    busy = [r["hour"] for r in hours.rows if r["sales"]]
    if busy:
        hours.rows = [r for r in hours.rows if min(busy) <= r["hour"] <= max(busy)]


def report_tables(start: date | None, end: date | None, top: int) -> tuple[dict[str, Any], list[Table]]:
    data = reports.sales_report(ctx(), start, end, top, locale=g.get("lang", "id"))
    args = {"from": data["start"].isoformat(), "to": data["end"].isoformat(), "top": top}
    tables = [
        Table(
            name,
            reports.COLUMNS[name],
            data["tables"][name],
            url_for("manager.report_csv", name=name, **args),
            {"sku": "manager.item"} if name == "top_products" else {},
        )
        for name in reports.COLUMNS
    ]
    return data, tables


def register(bp: Blueprint) -> None:
    @bp.get("/reports")
    def report():
        try:
            start, end, top = _range_args()
            data, tables = report_tables(start, end, top)
        except DomainError as e:
            data, tables = report_tables(None, None, 20)
            return page(
                "reports.html",
                e.status,
                data=data,
                tables=tables,
                charts={},
                error=err(e),
                raw={"from": request.args.get("from", ""), "to": request.args.get("to", "")},
            )
        shown = {
            tb.name: _chart(tb.name, tb.rows)
            for tb in tables
            if tb.name in CHARTED
            and tb.rows
            and (tb.name not in ("by_day", "by_hour") or any(r["total"] for r in tb.rows))
        }
        trim_hours(tables)
        return page(
            "reports.html",
            data=data,
            tables=tables,
            charts=shown,
            raw={"from": data["start"].isoformat(), "to": data["end"].isoformat()},
        )

    @bp.get("/reports/<name>.csv")
    def report_csv(name: str):
        if name not in reports.COLUMNS:
            abort(404)
        start, end, top = _range_args()
        data, tables = report_tables(start, end, top)
        trim_hours(tables)
        table = next(tb for tb in tables if tb.name == name)
        return table.csv(f"{name}-{data['start']:%Y%m%d}-{data['end']:%Y%m%d}")
