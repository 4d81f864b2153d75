"""The gateway's notifications (server to server, signed: no session, no CSRF) and the shop's pay routes."""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, request, session, url_for

from central.services import payment_notifications, payments
from common.errors import DomainError

from .shop import CART, ActionForm, _page, tr
from .sync_api import ctx

notifications = Blueprint("payment_notifications", __name__, url_prefix="/api/v1/payments")
shop_pay = Blueprint("shop_pay", __name__, url_prefix="/shop/pay")


@notifications.post("/notify")
def notify():
    """Midtrans' HTTP notification: JSON, signed with the server key; a flood from one address is answered 429."""
    status, body = payment_notifications.notify(ctx(), request.get_json(silent=True), request.remote_addr or "")
    return jsonify(body), status


@shop_pay.post("/")
def pay():
    """The shopper pays the cart online: stock held, then off to the gateway's page."""
    if not ActionForm().validate_on_submit():
        flash(tr("bad_form"), "error")
        return redirect(url_for("shop.cart"))
    try:
        view = payments.start(ctx(), session.get(CART), url_for("shop_pay.back", _external=True))
    except DomainError as e:
        flash(e.message, "error")
        return redirect(url_for("shop.cart"))
    return redirect(view["redirect_url"])


@shop_pay.get("/back")
def back():
    """The gateway sends the shopper back here: what it says in the URL is only a hint; we ask the gateway."""
    order_id = (request.args.get("order_id") or "")[:50]
    try:
        view = payments.check(ctx(), order_id, session.get(CART)) if order_id else None
    except DomainError as e:
        flash(e.message, "error")
        view = None
    return _page("paid.html", payment=view)
