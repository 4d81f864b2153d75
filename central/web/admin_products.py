"""Head office's products and prices: the list (searched, and as CSV), a product's form and its stock by place."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from central.services import admin_catalog, catalog, stock_by_location
from central.services.cart_views import local_time
from common.csv_export import csv_text
from common.errors import DomainError
from common.measure import MEASURES
from common.web.csv_download import csv_download

from .admin import _page, admin_lang, ctx, said, signed_in, tr

admin_products = Blueprint("admin_products", __name__, url_prefix="/admin")


class ProductForm(FlaskForm):
    sku = StringField("SKU", validators=[DataRequired(), Length(max=32)])
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    price = IntegerField("Price (Rp)", validators=[NumberRange(min=0, max=catalog.MAX_PRICE)])
    barcode = StringField("Barcode", validators=[Optional(), Length(max=32)])
    # Chosen by name; the service refuses a code it does not know (validate_choice off: its message, not WTForms').
    category = SelectField("Category", validators=[Optional(), Length(max=32)], validate_choice=False)
    tax_group = StringField("Tax group", default="PPN", validators=[DataRequired(), Length(max=16)])
    # common.measure: by the item, by weight (the price is per kg), or by the scale label's price
    measure = SelectField("Sold", default="unit", choices=[SelectChoice(m, m) for m in MEASURES])
    plu = StringField("Scale item code (PLU)", validators=[Optional(), Length(max=8)])
    active = BooleanField("Active", default=True)


# The products table as CSV: every product the search finds, not only the hundred the page shows.
PRODUCT_COLUMNS = [(k, "text") for k in ("sku", "name", "barcode", "category", "tax_group")] + [
    ("price", "money"),
    ("measure", "text"),
    ("plu", "text"),
    ("active", "text"),
]


@admin_products.get("/products")
@signed_in
def products():
    q = request.args.get("q", "")[:80]
    if request.args.get("format") == "csv":
        rows = [
            {
                **p,
                "category": p["category_name"],
                "measure": tr(f"measure.{p['measure']}"),
                "active": tr("yes") if p["active"] else tr("no"),
            }
            for p in admin_catalog.products(ctx(), q, admin_lang(), limit=None)
        ]
        body = csv_text(PRODUCT_COLUMNS, rows, header=lambda key: tr(f"field.{key}"))
        name = f"products-{local_time(ctx(), ctx().clock(), '%Y%m%d-%H%M')}.csv"
        return csv_download(body, name)
    items = admin_catalog.products(ctx(), q, admin_lang())
    return _page("products.html", q=q, items=items, total=catalog.count_products(ctx(), q))


@admin_products.route("/products/<sku>", methods=["GET", "POST"])
@signed_in
def product(sku: str):
    create = sku == "new"
    try:
        form = ProductForm(data=None if create or request.method == "POST" else catalog.get_product(ctx(), sku))
    except DomainError:  # an old link or a typo: the list searched for it, not the API's JSON
        flash(tr("products.unknown", sku=sku[:80]))
        found = admin_catalog.products(ctx(), sku[:80], admin_lang())
        return _page("products.html", q=sku[:80], items=found, total=catalog.count_products(ctx(), sku[:80])), 404
    names = admin_catalog.category_names(ctx(), admin_lang())
    if form.category.data and form.category.data not in names:
        names[form.category.data] = form.category.data  # a code central has no category for: kept, not lost on save
    form.category.choices = [SelectChoice("", "—"), *(SelectChoice(code, name) for code, name in names.items())]
    form.measure.choices = [SelectChoice(m, tr(f"measure.{m}")) for m in MEASURES]
    if form.validate_on_submit():
        try:
            saved = catalog.save_product(
                ctx(),
                form.sku.data or "",
                name=form.name.data or "",
                price=int(form.price.data or 0),
                barcode=form.barcode.data,
                category=form.category.data or None,
                tax_group=form.tax_group.data or "",
                active=bool(form.active.data),
                create=create,
                measure=form.measure.data or "unit",
                plu=form.plu.data,
            )
        except DomainError as e:
            flash(said(e))
            return _page("product.html", form=form, create=create), e.status
        flash(tr("flash.product_saved", sku=saved["sku"]))
        return redirect(url_for("admin_products.products", q=saved["sku"]))
    stock = None if create else stock_by_location.of_product(ctx(), sku)
    return _page("product.html", form=form, create=create, stock=stock), 400 if form.errors else 200
