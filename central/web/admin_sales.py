"""Head office's sales by store (`/admin/sales`): a range of days, each store's and the online shop's figures,
the chain's per day, and the stores table as CSV."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, request

from central.services import chain_sales, sale_approvals
from central.services.cart_views import local_time
from central.services.stores import ONLINE
from common.csv_export import csv_text
from common.errors import DomainError
from common.web.csv_download import csv_download

from .admin import _page, ctx, said, signed_in, tr
from .admin_payments import day_arg

admin_sales = Blueprint("admin_sales", __name__, url_prefix="/admin")

COLUMNS = [
    ("id", "text"),
    ("name", "text"),
    ("sales", "int"),
    ("gross", "money"),
    ("refunds", "int"),
    ("refunded", "money"),
    ("net", "money"),
    ("basket", "money"),
    ("heard_at", "text"),
    ("zone", "text"),  # the clock the store's days follow (WIB, WITA, WIT); last, so older sheets keep their columns
]


@admin_sales.get("/sales")
@signed_in
def sales():
    zone = local_time(ctx(), datetime.now(UTC).replace(tzinfo=None), "%Z")
    try:
        data = chain_sales.report(ctx(), day_arg(request.args.get("from")), day_arg(request.args.get("to")))
    except DomainError as e:
        # the days typed stay in the form to correct; no figures shown for a week that was not asked for
        typed = {k: (request.args.get(k) or "")[:10] for k in ("from", "to")}
        return _page("sales.html", data=None, typed=typed, error=said(e), zone=zone, online=ONLINE), 400
    if request.args.get("format") == "csv":
        rows = [{**r, "heard_at": local_time(ctx(), r["heard_at"], "%Y-%m-%d %H:%M")} for r in data["stores"]]
        body = csv_text(COLUMNS, rows, header=lambda key: tr(f"sales.{key}"))
        made = local_time(ctx(), datetime.now(UTC).replace(tzinfo=None), "%H%M")  # on the shop's clock, as the days
        name = f"sales-{data['start']:%Y%m%d}-{data['end']:%Y%m%d}-{made}.csv"
        return csv_download(body, name)
    approvals = sale_approvals.approvals(ctx(), data["start"], data["end"])
    return _page("sales.html", data=data, error=None, zone=zone, online=ONLINE, approvals=approvals)
