"""The gateway's notifications (server to server, signed: no session, no CSRF) and the shop's pay routes."""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, request, session, url_for

from central.services import fulfilment, payment_notifications, payments
from common import fulfilment as rules
from common.errors import DomainError
from common.qr_images import qr_svg

from .shop import CART, TYPED, ActionForm, _page, _problem, card_of_session, fresh, tr
from .sync_api import ctx

notifications = Blueprint("payment_notifications", __name__, url_prefix="/api/v1/payments")
shop_pay = Blueprint("shop_pay", __name__, url_prefix="/shop/pay")
shop_pay.after_request(fresh)


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
    f = request.form
    try:
        choice = fulfilment.choice_from(f.get("mode"), f.get("store"), f.get("customer"), f.get("address"))
        back = url_for("shop_pay.back", _external=True)
        view = payments.start(ctx(), session.get(CART), back, choice, card_of_session())
    except DomainError as e:
        _problem(e)
        # what the shopper typed stays in the form they are sent back to (an address typed on a phone is work)
        session[TYPED] = {
            k: (f.get(k) or "")[:size] for k, size in (("mode", 10), ("store", 32), ("customer", 80), ("address", 300))
        }
        return redirect(url_for("shop.cart"))
    session.pop(TYPED, None)
    return redirect(view["redirect_url"])


@shop_pay.get("/back")
def back():
    """The gateway sends the shopper back here: what it says in the URL is only a hint; we ask the gateway."""
    return _order_page((request.args.get("order_id") or "")[:50], ask=True)


@shop_pay.get("/orders/<order_id>")
def order_page(order_id: str):
    """The order page again (from the cart's paid banner): status, code and QR as central has them."""
    return _order_page(order_id[:50], ask=False)


def _order_page(order_id: str, ask: bool) -> str:
    try:
        view = payments.check(ctx(), order_id, session.get(CART), ask) if order_id else None
    except DomainError as e:
        _problem(e)
        view = None
    order = fulfilment.for_shopper(ctx(), order_id, session.get(CART)) if view and view["paid"] else None
    qr = qr_svg(rules.qr_payload(order["code"])) if order and order["mode"] == "pickup" else None
    return _page("paid.html", payment=view, order=order, order_qr=qr)


@shop_pay.get("/order")
def order_status():
    """What the order page polls: the store's steps as central has them (pick, pack, collected, shipped)."""
    order = fulfilment.for_shopper(ctx(), (request.args.get("order_id") or "")[:50], session.get(CART))
    if order is None:
        return jsonify({"status": "none"}), 404
    keep = ("status", "version", "courier", "tracking", "refunded", "updated_at_local")
    return jsonify({k: order[k] for k in keep})
