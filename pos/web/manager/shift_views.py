"""Till shifts: the shifts of a date range with their drawer (expected, counted, difference) and CSV, and one
shift's X or Z report as the till showed it."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request, url_for

from common.errors import DomainError
from pos.services import shift_reports

from ..api.common import ctx
from .access import err, page, refused
from .report_views import parse_date
from .tables import Table


def _table(start: str, end: str, rows: list[dict[str, Any]]) -> Table:
    span: dict[str, Any] = {"from": start, "to": end}
    return Table(
        "shifts",
        shift_reports.COLUMNS,
        rows,
        url_for("manager.shifts_csv", **span),
        {"opened_at": ("manager.shift", "id")},
    )


def register(bp: Blueprint) -> None:
    @bp.get("/shifts")
    def shifts():
        raw = {"from": request.args.get("from", ""), "to": request.args.get("to", "")}
        try:
            data = shift_reports.shifts(ctx(), parse_date(raw["from"]), parse_date(raw["to"]))
        except DomainError as e:
            data = shift_reports.shifts(ctx())
            table = _table(data["start"].isoformat(), data["end"].isoformat(), data["rows"])
            return page("shifts.html", e.status, data=data, table=table, raw=raw, error=err(e))
        start, end = data["start"].isoformat(), data["end"].isoformat()
        return page("shifts.html", data=data, table=_table(start, end, data["rows"]), raw={"from": start, "to": end})

    @bp.get("/shifts.csv")
    def shifts_csv():
        data = shift_reports.shifts(ctx(), parse_date(request.args.get("from")), parse_date(request.args.get("to")))
        table = _table(data["start"].isoformat(), data["end"].isoformat(), data["rows"])
        return table.csv(f"shifts-{data['start']:%Y%m%d}-{data['end']:%Y%m%d}")

    @bp.get("/shifts/<code>")
    def shift(code: str):
        try:
            report = shift_reports.one_shift(ctx(), code)
        except DomainError as e:
            return refused(e.status, err(e))
        return page("shift.html", r=report)
