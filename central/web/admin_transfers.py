"""The admin's stock transfers (`/admin/transfers`): by default what needs someone (open differences, in transit),
narrowed by store, state, the shop's days and product in the address (a view to bookmark), a page at a time; the
same transfers as CSV, every one that matches, a row per product (a weighed one's quantities in kg beside its unit)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from central.services import transfer_admin
from central.services.cart_views import local_time
from common.csv_export import csv_chunks
from common.errors import DomainError
from common.web.csv_download import csv_stream

from .admin import _page, ctx, said, signed_in, tr
from .admin_payments import day_arg

admin_transfers = Blueprint("admin_transfers", __name__, url_prefix="/admin")

# Each transfer's products on rows of their own; times on the shop's clock, as the page shows them.
COLUMNS = [(k, "text") for k in ("ref", "status", "from", "to", "sent_at", "received_at", "sku", "product")]
COLUMNS += [("sent", "int"), ("received", "int"), ("difference", "signed")]
HEADERS = {k: f"transfers.{k}" for k, _ in COLUMNS} | {"sku": "field.sku", "sent": "transfers.qty_sent"}
HEADERS |= {"received": "transfers.qty_received", "difference": "transfers.qty_difference", "unit": "transfers.unit"}
STATES = transfer_admin.STATES  # the state select's options, the default (open) first


@admin_transfers.get("/transfers")
@signed_in
def listing():
    try:
        start, end = day_arg(request.args.get("from")), day_arg(request.args.get("to"))
        f = transfer_admin.filters(ctx(), request.args, start, end)
    except DomainError as e:
        # what was typed stays in the form to correct; no transfers listed for filters that were not understood
        typed = {k: (request.args.get(k) or "")[:80] for k in ("store", "status", "from", "to", "product")}
        return _page("transfers.html", data=None, f=None, typed=typed, error=said(e), states=STATES), 400
    if request.args.get("format") != "csv":
        return _page("transfers.html", data=transfer_admin.page(ctx(), f), f=f, error=None, states=STATES)
    chunks = ([row for t in chunk for row in _rows(t)] for chunk in transfer_admin.every(ctx(), f))
    name = f"transfers-{local_time(ctx(), ctx().clock(), '%Y%m%d-%H%M')}.csv"
    return csv_stream(csv_chunks(COLUMNS, chunks, header=lambda key: tr(HEADERS[key])), name)


def _rows(t: dict[str, Any]) -> list[dict[str, Any]]:
    """A transfer's products; what is still in transit has no received figure and no difference yet."""
    at = {k: local_time(ctx(), t[k], "%Y-%m-%d %H:%M") for k in ("sent_at", "received_at")}
    status = tr(f"transfers.status.{t['state']}")
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
            "difference": None if line["received"] is None else line["received"] - (line["sent"] or 0),
        }
        for line in t["lines"]
    ]
