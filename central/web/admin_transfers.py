"""The admin's stock transfers: in transit between stores, and open differences for the managers to settle; the
same transfers as CSV, a row per product (a weighed one's quantities in kg beside its unit)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from central.services import transfer_admin
from central.services.cart_views import local_time
from common.csv_export import csv_text
from common.web.csv_download import csv_download

from .admin import _page, ctx, signed_in, tr

admin_transfers = Blueprint("admin_transfers", __name__, url_prefix="/admin")

# The page's two lists as CSV (open differences, then in transit), each transfer's products on rows of their own;
# times on the shop's clock, as the page shows them. As bounded as the page (transfer_admin.LIMIT per list).
COLUMNS = [(k, "text") for k in ("ref", "status", "from", "to", "sent_at", "received_at", "sku", "product")]
COLUMNS += [("sent", "int"), ("received", "int"), ("difference", "signed")]
HEADERS = {k: f"transfers.{k}" for k, _ in COLUMNS} | {"sku": "field.sku", "sent": "transfers.qty_sent"}
HEADERS |= {"received": "transfers.qty_received", "difference": "transfers.qty_difference", "unit": "transfers.unit"}


@admin_transfers.get("/transfers")
@signed_in
def listing():
    shown = transfer_admin.overview(ctx())
    if request.args.get("format") != "csv":
        return _page("transfers.html", **shown)
    rows = [
        row
        for status, key in (("difference", "differences"), ("sent", "in_transit"))
        for t in shown[key]
        for row in _rows(t, tr(f"transfers.status.{status}"))
    ]
    body = csv_text(COLUMNS, rows, header=lambda key: tr(HEADERS[key]))
    name = f"transfers-{local_time(ctx(), ctx().clock(), '%Y%m%d-%H%M')}.csv"
    return csv_download(body, name)


def _rows(t: dict[str, Any], status: str) -> list[dict[str, Any]]:
    """A transfer's products; what is still in transit has no received figure and no difference yet."""
    at = {k: local_time(ctx(), t[k], "%Y-%m-%d %H:%M") for k in ("sent_at", "received_at")}
    return [
        {
            "ref": t["short"],
            "status": status,
            "from": t["from_name"],
            "to": t["to_name"],
            **at,
            "sku": line["sku"],
            "product": line["name"],
            "measure": line["measure"],
            "sent": line["sent"],
            "received": line["received"],
            "difference": None if line["received"] is None else line["received"] - line["sent"],
        }
        for line in t["lines"]
    ]
