"""Head office's cash moves (`/admin/cash`): what one store's tills took out of or put into their drawers over a
range of the store's days (safe drops, store expenses, more change), the totals by reason, and the moves as CSV."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, request

from central.services import cash_report
from central.services.cart_views import local_time
from common.csv_export import csv_text
from common.errors import DomainError, NotFound
from common.web.csv_download import csv_download

from .admin import _page, ctx, said, signed_in, tr
from .admin_payments import day_arg

admin_cash = Blueprint("admin_cash", __name__, url_prefix="/admin")

COLUMNS = [
    ("at", "text"),
    ("till_id", "text"),
    ("direction", "text"),
    ("reason", "text"),
    ("amount", "money"),
    ("note", "text"),
    ("cashier", "text"),
    ("manager", "text"),
    ("shift_id", "text"),
    ("id", "text"),
]


@admin_cash.get("/cash")
@signed_in
def cash():
    store = (request.args.get("store") or "")[:32] or None
    try:
        data = cash_report.report(
            ctx(),
            store,
            day_arg(request.args.get("from")),
            day_arg(request.args.get("to")),
            limit=None if request.args.get("format") == "csv" else cash_report.MAX_ROWS,
        )
    except DomainError as e:
        typed = {k: (request.args.get(k) or "")[:10] for k in ("from", "to")}
        return _page("cash.html", data=None, typed=typed, error=said(e)), 404 if isinstance(e, NotFound) else 400
    if request.args.get("format") == "csv":
        rows = [
            {**m, "direction": tr(f"cash.{m['direction']}"), "reason": tr(f"cash.reason.{m['reason']}")}
            for m in data["moves"]
        ]
        body = csv_text(COLUMNS, rows, header=lambda key: tr(f"cash.{key}"))
        made = local_time(ctx(), datetime.now(UTC).replace(tzinfo=None), "%H%M")
        name = f"cash-{data['store_id']}-{data['start']:%Y%m%d}-{data['end']:%Y%m%d}-{made}.csv"
        return csv_download(body, name)
    return _page("cash.html", data=data, error=None)
