"""Online orders this store fulfils ("Pesanan online"): the list, and one order's pick (scan each item; a short
line gets a substitute or is refunded), pack, hand-over by the shopper's code, shipment, cancellation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, flash, redirect, request, url_for
from werkzeug.wrappers import Response

from common.errors import DomainError
from pos.services import online_order_views, online_orders, stock_admin

from ..api.common import ctx
from .access import err, me, page, t


def _qty(raw: str | None) -> int:
    text = (raw or "1").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 6 else 0


def register(bp: Blueprint) -> None:
    @bp.get("/orders")
    def orders():
        return page(
            "orders.html",
            open_orders=online_order_views.orders(ctx()),
            done_orders=online_order_views.orders(ctx(), done=True, limit=50),
            BACKOFFICE=stock_admin.DEVICE,  # an order stepped on these screens rather than at a till
        )

    @bp.get("/orders/<order_id>")
    def order(order_id: str):
        return page("order.html", o=online_order_views.get(ctx(), order_id))

    def _back(order_id: str, step: Callable[..., dict[str, Any]], *args: Any, ok: str | None = None) -> Response:
        """Do one step; its refusal is shown on the order's page, which stays ready for the next scan."""
        try:
            done = step(ctx(), me(), order_id, *args)
        except DomainError as e:
            flash(err(e), "error")
        else:
            if ok:
                flash(t(ok, number=done["number"], **(done.get("scanned") or {})), "ok")
        return redirect(url_for("manager.order", order_id=order_id))

    @bp.post("/orders/<order_id>/scan")
    def order_scan(order_id: str):
        f = request.form
        return _back(order_id, online_orders.scan, f.get("code", "")[:80], _qty(f.get("qty")), ok="orders.scanned")

    @bp.post("/orders/<order_id>/substitute")
    def order_substitute(order_id: str):
        f = request.form
        step = online_orders.substitute
        return _back(order_id, step, f.get("sku", "")[:32], f.get("code", "")[:80], _qty(f.get("qty")))

    @bp.post("/orders/<order_id>/picked")
    def order_picked(order_id: str):
        return _back(order_id, online_orders.finish_pick, ok="orders.picked_ok")

    @bp.post("/orders/<order_id>/pack")
    def order_pack(order_id: str):
        return _back(order_id, online_orders.pack, ok="orders.packed_ok")

    @bp.post("/orders/<order_id>/ship")
    def order_ship(order_id: str):
        f = request.form
        step = online_orders.ship
        return _back(order_id, step, f.get("courier", "")[:41], f.get("tracking", "")[:65], ok="orders.shipped_ok")

    @bp.post("/orders/<order_id>/cancel")
    def order_cancel(order_id: str):
        return _back(order_id, online_orders.cancel, request.form.get("reason", "")[:201], ok="orders.cancelled_ok")

    @bp.post("/orders/handover")
    def order_handover():
        """The shopper's QR or code at the counter: the order it names is handed over (offline too). From an order's
        page the code must be that order's, and a refusal stays on that page."""
        order_id = request.form.get("order", "")[:36] or None
        try:
            done = online_orders.hand_over(ctx(), me(), request.form.get("code", "")[:80], order_id)
        except DomainError as e:
            flash(err(e), "error")
            return redirect(url_for("manager.order", order_id=order_id) if order_id else url_for("manager.orders"))
        flash(t("orders.handed_ok", number=done["number"]), "ok")
        return redirect(url_for("manager.order", order_id=done["id"]))
