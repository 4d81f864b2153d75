"""The shopper's side online: join, find your account again, and the account page (balance, history, QR)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, flash, make_response, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf
from wtforms import EmailField, StringField
from wtforms.validators import DataRequired, Length, Optional

from central.services import loyalty, spend_codes
from central.services.cart_views import local_time
from central.services.online_points import typed_number
from central.services.stock import location_name
from central.tables import Member
from common import i18n
from common.errors import DomainError
from common.money import group_thousands
from common.qr_images import qr_image, qr_svg

from .shop import keep_card, lang, tr
from .sync_api import ctx

pages = Blueprint("loyalty_pages", __name__)


class JoinForm(FlaskForm):
    name = StringField(validators=[DataRequired(), Length(max=80)])
    phone = StringField(validators=[DataRequired(), Length(max=24)])
    email = EmailField("E-mail", validators=[Optional(), Length(max=120)])


class FindForm(FlaskForm):
    phone = StringField(validators=[DataRequired(), Length(max=24)])
    number = StringField(validators=[DataRequired(), Length(max=16)])


def account_key(member_id: str) -> str:
    """The secret part of an account link (HMAC under the server's secret key): the link is the sign-in."""
    mac = hmac.new(ctx().config.server.secret_key.encode(), f"account:{member_id}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()[:16]).rstrip(b"=").decode()


def account_url(view: dict[str, Any]) -> str:
    return url_for("loyalty_pages.account", number=view["number"], k=account_key(view["id"]))


def _member_for(number: str) -> dict[str, Any]:
    """The member behind an account link; a wrong key is a 404, like an unknown number."""
    try:
        view = loyalty.lookup(ctx(), number=number)
    except DomainError:
        abort(404)
    if not hmac.compare_digest(account_key(view["id"]), request.args.get("k", "")):
        abort(404)
    return view


def _page(template: str, **extra: Any) -> str:
    """A member page in the shopper's language (the shop's: ?lang= remembered in the session)."""
    return render_template(
        f"central/loyalty/{template}",
        shop_name=ctx().config.shop.name,  # the shopper's brand, as the shop's pages (central's is head office's)
        t=tr,
        lang=lang(),
        lang_query=_lang_query,
        n=group_thousands,
        kind=_kind,
        **extra,
    )


def _lang_query(to: str) -> str:
    """This page's query string with the language set to `to` (an account link keeps its key)."""
    args = {k: v for k, v in request.args.items() if k != "lang"}
    args["lang"] = to
    return urlencode(args)


def _kind(kind: str) -> str:
    key = f"member.kind.{kind}"
    return tr(key) if i18n.has("shop", lang(), key) else kind


@pages.route("/join", methods=["GET", "POST"])
def join():
    form, find, error = JoinForm(), FindForm(prefix="find"), None
    if form.validate_on_submit():
        try:
            view = loyalty.sign_up(ctx(), form.name.data or "", form.phone.data or "", form.email.data, "online")
            return redirect(account_url(view))
        except DomainError as e:
            error = i18n.error_message(lang(), e.code, e.message, e.detail)
            if e.code == "phone_taken":  # online there is no QR to scan: open the account below, phone filled in
                error, find.phone.data = tr("member.phone_taken"), form.phone.data
    return _page("join.html", form=form, find=find, error=error), 400 if error else 200


@pages.route("/account", methods=["GET", "POST"])
def find_account():
    form, find, error = JoinForm(), FindForm(prefix="find"), None
    if find.validate_on_submit():
        try:
            with ctx().db.sessions() as s:
                m = loyalty.find_member(s, ctx(), phone=find.phone.data)
                match = m.number == typed_number(find.number.data or "")
                view = {"id": m.id, "number": m.number}
            if match:
                return redirect(account_url(view))
        except DomainError:
            pass
        error = tr("member.no_match")
    return _page("join.html", form=form, find=find, find_error=error), 400 if error else 200


@pages.get("/account/<number>")
def account(number: str):
    return _account_page(number, None)


def _expired(number: str) -> Any:
    """The account page's token has lapsed (a tab left open, a phone's restored tab): the page again with a fresh
    one and words to press again, not the server's bare 400 in English."""
    return _account_page(number, None, note=tr("bad_form")), 400


@pages.post("/account/<number>/code")
def spend_code(number: str):
    """A one-time code to spend points at a till without the QR (a few minutes, one use); shown on this answer."""
    view = _member_for(number)
    if not FlaskForm().validate_on_submit():  # the CSRF token of the account page
        return _expired(number)
    resp = make_response(_account_page(number, spend_codes.new_code(ctx(), view["id"])))
    resp.headers["Cache-Control"] = "private, no-store"
    return resp


@pages.post("/account/<number>/shop")
def shop_with_card(number: str):
    """Shop online with this card: the account link is the sign-in, so the shop keeps the card for its orders."""
    view = _member_for(number)
    if not FlaskForm().validate_on_submit():  # the CSRF token of the account page
        return _expired(number)
    if view["blocked"]:  # blocked while the page was open: the page says so (and has no button now)
        return _account_page(number, None), 403
    keep_card(view["id"])
    flash(tr("card.kept"), "ok")
    return redirect(url_for("shop.index"))


def _account_page(number: str, code: dict[str, Any] | None, note: str = "") -> Any:
    view = _member_for(number)
    with ctx().db.sessions() as s:
        history = [
            {**e, "at": _when(e["at"]), "store_id": location_name(s, ctx(), e["store_id"])}
            for e in loyalty.history(s, view["id"], 50)
        ]
        email = s.get_one(Member, view["id"]).email
    k = request.args.get("k", "")
    return _page(
        "account.html",
        m=view,
        history=history,
        email=email,
        qr=qr_svg(view["card"]),
        png_url=url_for("loyalty_pages.card_png", number=number, k=k),
        code_url=url_for("loyalty_pages.spend_code", number=number, k=k),
        shop_url=url_for("loyalty_pages.shop_with_card", number=number, k=k),
        spend_code=code,
        note=note,
        csrf=generate_csrf(),
    )


def _when(iso: str) -> str:
    """A history time on the shop's clock, with its zone (WIB)."""
    at = datetime.fromisoformat(iso)
    if at.tzinfo is not None:
        at = at.astimezone(UTC).replace(tzinfo=None)
    return local_time(ctx(), at, "%d/%m/%Y %H:%M %Z")


@pages.get("/account/<number>/card.png")
def card_png(number: str):
    """The member QR as a PNG, to save to a phone or print as a card."""
    view = _member_for(number)
    out = io.BytesIO()
    qr_image(view["card"], box=8).convert("L").save(out, format="PNG")
    resp = Response(out.getvalue(), mimetype="image/png")
    resp.headers["Cache-Control"] = "private, no-store"
    return resp
