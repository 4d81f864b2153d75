"""The member card a shopper gives in the online shop (kept in the session, like the cart): paid orders earn its
points. Given on the cart page with the member number and phone, or from the member's own account page."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, session, url_for
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from central.services import online_points
from common import i18n
from common.errors import DomainError

from .shop import CARD_NOTE, MEMBER, ActionForm, keep_card, lang, tr
from .sync_api import ctx

shop_card = Blueprint("shop_card", __name__, url_prefix="/shop/card")


class CardForm(FlaskForm):
    number = StringField(validators=[DataRequired(), Length(max=16)])
    phone = StringField(validators=[DataRequired(), Length(max=24)])


def _refused(said: str) -> None:
    """Said in the card's box, where the page opens (a flash at the top is out of sight on a phone), with what the
    shopper typed kept in the fields to correct."""
    session[CARD_NOTE] = {
        "text": said,
        "number": (request.form.get("number") or "")[:16],
        "phone": (request.form.get("phone") or "")[:24],
    }


@shop_card.post("/")
def give():
    form = CardForm()
    if not form.validate_on_submit():
        _refused(tr("card.missing"))
        return redirect(url_for("shop.cart") + "#member-card")
    try:
        keep_card(online_points.card(ctx(), form.number.data or "", form.phone.data or ""))
        flash(tr("card.kept"), "ok")
    except DomainError as e:
        _refused(i18n.error_message(lang(), e.code, e.message, e.detail))
    return redirect(url_for("shop.cart") + "#member-card")


@shop_card.post("/forget")
def forget():
    if ActionForm().validate_on_submit():
        session.pop(MEMBER, None)
    else:  # the page's token lapsed: said, or the card would seem to stay for no reason
        session[CARD_NOTE] = {"text": tr("bad_form")}
    return redirect(url_for("shop.cart") + "#member-card")
