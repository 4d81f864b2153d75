"""Head office's promotions: the list (each naming its products, and as CSV), a new one, and ending one typed by
mistake."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from flask import Blueprint, Response, flash, redirect, request, url_for
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from central.services import admin_catalog
from central.services.cart_views import local_time
from common.csv_export import csv_text
from common.errors import DomainError
from common.promotions import MULTI_BUY, parse_multi_buy, parse_value, shown_value
from common.web.csv_download import csv_download

from .admin import ActionForm, _page, admin_lang, ctx, said, signed_in, tr

admin_promotions = Blueprint("admin_promotions", __name__, url_prefix="/admin")
KINDS = ("percent", "amount", "free", "bundle")  # as the form lists them; free and bundle are MULTI_BUY


class PromotionForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    kind = SelectField("Kind", choices=[SelectChoice("percent", "percent off"), SelectChoice("amount", "Rp off")])
    set_qty = StringField("N", validators=[Length(max=6)])  # Beli N gratis M, N untuk Rp X (multi-buy only)
    value = StringField("Value", validators=[DataRequired(), Length(max=24)])  # 15 or 12,5 (%), Rupiah, or M
    mixed = BooleanField("Boleh campur / Mixed")  # a multi-buy's products may be mixed in a set (common/mixed_sets.py)
    skus = StringField("SKUs (comma separated)", validators=[DataRequired(), Length(max=4000)])


@admin_promotions.route("/promotions", methods=["GET", "POST"])
@signed_in
def promotions():
    if request.method == "GET" and request.args.get("format") == "csv":
        return _csv()
    form = PromotionForm()
    form.kind.choices = [SelectChoice(k, tr(f"kind.{k}")) for k in KINDS]
    if form.validate_on_submit():
        try:
            kind, typed = form.kind.data or "", form.value.data or ""
            set_qty, value = parse_multi_buy(kind, form.set_qty.data or "", typed) if kind in MULTI_BUY else (None, 0)
            admin_catalog.save_promotion(
                ctx(),
                name=form.name.data or "",
                kind=kind,
                value=value if kind in MULTI_BUY else parse_value(kind, typed),
                skus=[x.strip() for x in (form.skus.data or "").split(",") if x.strip()],
                set_qty=set_qty,
                mixed=bool(form.mixed.data) and kind in MULTI_BUY,
            )
        except DomainError as e:
            flash(said(e))
            return _listing(form), e.status
        flash(tr("flash.promotion_saved"))
        return redirect(url_for("admin_promotions.promotions"))
    return _listing(form), 400 if form.errors else 200


def _listing(form: PromotionForm) -> str:
    """The promotions and the new one's form; its fields carry their words for each kind (JSON) for the page's
    script, which shows the set size only for a multi-buy and words the value by kind ("% off", "price of the set")."""
    return _page(
        "promotions.html",
        form=form,
        items=admin_catalog.promotions(ctx()),
        multi_buy=MULTI_BUY,
        set_qty_labels=_by_kind("promotions.set_qty", MULTI_BUY),
        value_labels=_by_kind("promotions.value", KINDS),
        value_hints=_by_kind("promotions.value_example", KINDS),
    )


# The list as CSV, every promotion as the page lists them: the kind and value in words ("15%", "Rp 500", "Beli 2
# Gratis 1" by common.promotions.deal_words), products by name then SKU, start and end on the shop's clock.
COLUMNS = [(k, "text") for k in ("name", "kind", "value", "products", "skus", "starts", "ends", "status")]
HEADERS = {"name": "field.name", "kind": "field.kind", "value": "field.value", "products": "promotions.products"}
HEADERS |= {
    "skus": "field.sku",
    "starts": "promotions.starts",
    "ends": "promotions.ends",
    "status": "promotions.status",
}


def _csv() -> Response:
    now, lang = ctx().clock(), admin_lang()
    rows = []
    for p in admin_catalog.promotions(ctx()):
        starts, ends = (
            datetime.fromisoformat(p[k]).replace(tzinfo=None) if p[k] else None for k in ("starts_at", "ends_at")
        )
        rows.append(
            {
                "name": p["name"],
                "kind": tr(f"kind.{p['kind']}"),
                "value": shown_value(p["kind"], p["value"], p["set_qty"], lang, p["mixed"]),
                "products": ", ".join(x["name"] for x in p["products"]),
                "skus": ", ".join(x["sku"] for x in p["products"]),
                "starts": local_time(ctx(), starts, "%Y-%m-%d %H:%M"),
                "ends": local_time(ctx(), ends, "%Y-%m-%d %H:%M"),
                "status": tr(f"promotions.status.{_status(p, starts, ends, now)}"),
            }
        )
    body = csv_text(COLUMNS, rows, header=lambda key: tr(HEADERS[key]))
    name = f"promotions-{local_time(ctx(), now, '%Y%m%d-%H%M')}.csv"
    return csv_download(body, name)


def _status(p: dict[str, Any], starts: datetime | None, ends: datetime | None, now: datetime) -> str:
    """Active, not started yet, or ended (by head office, or its end has passed)."""
    if not p["active"] or (ends is not None and ends <= now):
        return "ended"
    return "upcoming" if starts is not None and starts > now else "active"


def _by_kind(prefix: str, kinds: tuple[str, ...]) -> str:
    return json.dumps({k: tr(f"{prefix}.{k}") for k in kinds}, ensure_ascii=False)


@admin_promotions.post("/promotions/<promotion_id>/end")
@signed_in
def end(promotion_id: str):
    """Ends a promotion now (it stays listed, not active): the stores stop giving it after their next sync."""
    if not ActionForm().validate_on_submit():
        flash(tr("flash.form_expired"))
    else:
        try:
            flash(tr("flash.promotion_ended", name=admin_catalog.end_promotion(ctx(), promotion_id)["name"]))
        except DomainError as e:
            flash(said(e))
    return redirect(url_for("admin_promotions.promotions"))
