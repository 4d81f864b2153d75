"""The admin's stock transfers: in transit between stores, and open differences for the managers to settle."""

from __future__ import annotations

from flask import Blueprint

from central.services import transfer_admin

from .admin import _page, ctx, signed_in

admin_transfers = Blueprint("admin_transfers", __name__, url_prefix="/admin")


@admin_transfers.get("/transfers")
@signed_in
def listing():
    return _page("transfers.html", **transfer_admin.overview(ctx()))
