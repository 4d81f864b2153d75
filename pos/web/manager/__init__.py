"""The manager screens at /manager: stock, counts, reports, sync health and the audit log (managers only)."""

from __future__ import annotations

from flask import Blueprint, redirect, url_for

from . import (
    access,
    admin_views,
    count_views,
    kiosk_views,
    label_views,
    order_views,
    print_views,
    report_views,
    shift_views,
    staff_views,
    stock_views,
    transfer_views,
)


def create_blueprint() -> Blueprint:
    bp = Blueprint("manager", __name__, url_prefix="/manager")
    access.register(bp)

    @bp.get("/")
    def home():
        return redirect(url_for("manager.stock"))

    stock_views.register(bp)
    count_views.register(bp)
    report_views.register(bp)
    shift_views.register(bp)
    admin_views.register(bp)
    kiosk_views.register(bp)
    staff_views.register(bp)
    order_views.register(bp)
    transfer_views.register(bp)
    label_views.register(bp)
    print_views.register(bp)
    return bp
