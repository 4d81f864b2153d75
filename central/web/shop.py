"""The online shop's pages: browse and search, the cart (kept by id in the signed session cookie), pay in store."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit

from flask import Blueprint, Response, flash, jsonify, redirect, render_template, request, session, url_for
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf
from wtforms import IntegerField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from central.services import carts, online_points, shop_catalog
from central.services.cart_views import zone_label
from common import i18n
from common.errors import DomainError
from common.money import format_money, group_thousands
from common.qr_images import qr_svg

from .sync_api import ctx

LANGS = i18n.LOCALES
CART = "shop_cart"
NOTE = "shop_note"  # what became of the product last added, said on its card in the list
TYPED = "shop_typed"  # the pay form's pickup/delivery fields as last sent, drawn again after a refusal
MEMBER = "shop_member"  # the member card the shopper gave: paid orders earn its points (shop_card.py)
CARD_NOTE = "shop_card_note"  # a refused card: said in the card's box with what was typed (shop_card.py)

shop = Blueprint("shop", __name__, url_prefix="/shop")


class AddForm(FlaskForm):
    sku = StringField(validators=[DataRequired(), Length(max=32)])
    qty = IntegerField(default=1, validators=[Optional(), NumberRange(min=1, max=carts.MAX_QTY)])
    next = StringField(validators=[Optional(), Length(max=300)])


class QtyForm(FlaskForm):
    sku = StringField(validators=[DataRequired(), Length(max=32)])
    qty = IntegerField(validators=[NumberRange(min=0, max=carts.MAX_QTY)])


class StoreForm(FlaskForm):
    store = StringField(validators=[Optional(), Length(max=32)])


class ActionForm(FlaskForm):
    """A button: only the CSRF token."""


def lang() -> str:
    wanted = request.args.get("lang")
    if wanted in LANGS:
        session["shop_lang"] = wanted
    kept = session.get("shop_lang")
    return kept if isinstance(kept, str) and kept in LANGS else "id"


def tr(key: str, /, **values: Any) -> str:
    return i18n.text("shop", lang(), key, **values)


def _page(template: str, **extra: Any) -> str:
    current = carts.view(ctx(), session.get(CART))
    count = current["items"] if current and current["status"] not in ("checked_out", "expired") else 0
    return render_template(
        f"central/shop/{template}",
        t=tr,
        lang=lang(),
        money=format_money,
        n=group_thousands,
        csrf=generate_csrf(),
        shop_cfg=ctx().config.shop,
        zone=zone_label(ctx()),
        cart_count=count,
        **extra,
    )


def card_of_session() -> str | None:
    kept = session.get(MEMBER)
    return kept if isinstance(kept, str) else None


def keep_card(member_id: str) -> None:
    session[MEMBER] = member_id


def _safe_next(target: str | None, fallback: str) -> str:
    """Only a path on this site: a form cannot send the shopper elsewhere."""
    parts = urlsplit(target or "")
    if not target or parts.scheme or parts.netloc or not target.startswith("/shop"):
        return fallback
    return target


def _problem(e: DomainError) -> None:
    """A refusal in the shopper's language (the errors catalog, by its code), details such as names kept."""
    flash(i18n.error_message(lang(), e.code, e.message, e.detail), "error")


def fresh(resp: Response) -> Response:
    """A shop page is never shown again from the browser's cache (Back from the gateway, a phone's restored
    tab): it is this shopper's cart as it is now, not a Pay button on a cart that is already being paid."""
    if resp.mimetype == "text/html":
        resp.headers["Cache-Control"] = "private, no-store"
    return resp


shop.after_request(fresh)


@shop.get("/")
def index():
    q = (request.args.get("q") or "").strip()[:80]
    category = (request.args.get("category") or "").strip()[:32] or None
    page = request.args.get("page", "1")
    # ASCII digits only ("²" is a digit to str.isdigit, not to int), and few enough that the offset stays 64-bit
    number = int(page) if page.isascii() and page.isdigit() and len(page) <= 6 else 1
    result = shop_catalog.browse(ctx(), q=q, category=category, page=number)
    note = session.pop(NOTE, None)
    return _page(
        "index.html", result=result, categories=shop_catalog.categories(ctx()), q=q, category=category, note=note
    )


@shop.post("/cart/add")
def add():
    form = AddForm()
    back = _safe_next(form.next.data, url_for("shop.index"))
    if not form.validate_on_submit():
        flash(tr("bad_form"), "error")
        return redirect(back)
    sku = form.sku.data or ""
    try:
        view = carts.add_item(ctx(), session.get(CART), sku, form.qty.data or 1)
    except DomainError as e:
        return redirect(_said_at(back, sku, "error", i18n.error_message(lang(), e.code, e.message, e.detail)))
    session[CART] = view["id"]
    name = next((l["name"] for l in view["lines"] if l["sku"] == sku), sku)
    return redirect(_said_at(back, sku, "ok", tr("added", name=name)))


def _said_at(back: str, sku: str, kind: str, said: str) -> str:
    """Back to the product list at the product tapped, with what became of it on its card (a flash at the top of
    a long list is out of sight); elsewhere a flash as usual."""
    if urlsplit(back).path != url_for("shop.index"):
        flash(said, kind)
        return back
    session[NOTE] = {"sku": sku, "kind": kind, "text": said}
    return f"{back}#p-{quote(sku)}"


@shop.get("/cart")
def cart():
    view = carts.view(ctx(), session.get(CART))
    qr = qr_svg(view["qr_payload"]) if view and view["items"] else None
    hours = round(ctx().config.shop.reserve_minutes / 60, 1)
    return _page(
        "cart.html",
        cart=view,
        qr=qr,
        stores=carts.stores(ctx()),
        typed=session.get(TYPED) or {},
        card_note=session.pop(CARD_NOTE, None),
        points=online_points.for_cart(ctx(), card_of_session(), view["total"] if view else 0),
        reserve_hours=int(hours) if hours == int(hours) else hours,
    )


@shop.post("/cart/qty")
def quantity():
    form = QtyForm()
    if not form.validate_on_submit():
        # a quantity out of range (-1, 99999, 2.5, empty) is the shopper's slip, not an expired form: say the range
        slip = form.qty.errors and "csrf_token" not in form.errors
        flash(tr("qty_range", max=carts.MAX_QTY) if slip else tr("bad_form"), "error")
    else:
        try:
            view = carts.set_quantity(ctx(), session.get(CART), form.sku.data or "", int(form.qty.data or 0))
            if view.get("removed"):
                flash(tr("removed", name=view["removed"]), "ok")
        except DomainError as e:
            _problem(e)
    return redirect(url_for("shop.cart"))


@shop.post("/cart/store")
def store():
    form = StoreForm()
    if not form.validate_on_submit():
        flash(tr("bad_form"), "error")
    else:
        try:
            view = carts.choose_store(ctx(), session.get(CART), form.store.data or None)
            if view["pickup_store"]:
                name = next((x["name"] for x in carts.stores(ctx()) if x["code"] == view["pickup_store"]), "")
                flash(
                    tr(
                        "reserved_flash",
                        store=f"{name} ({view['pickup_store']})",
                        time=f"{view['reserved_until_local']} {zone_label(ctx())}",
                    ),
                    "ok",
                )
        except DomainError as e:
            _problem(e)
    return redirect(url_for("shop.cart"))


@shop.post("/cart/new")
def new_cart():
    if ActionForm().validate_on_submit():
        session.pop(CART, None)
        session.pop(TYPED, None)
    return redirect(url_for("shop.index"))


@shop.get("/cart/status")
def status():
    """What the cart page polls: it reloads when a store claims or pays the cart."""
    view = carts.view(ctx(), session.get(CART))
    if view is None:
        return jsonify({"status": "none"})
    return jsonify({"status": view["status"], "code": view["code"], "fence": view["fence"], "order": view["order"]})


@shop.get("/cart/qr.svg")
def qr():
    view = carts.view(ctx(), session.get(CART))
    if view is None:
        return Response(status=404)
    resp = Response(qr_svg(view["qr_payload"]), mimetype="image/svg+xml")
    resp.headers["Cache-Control"] = "private, no-store"
    return resp
