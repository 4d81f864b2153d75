"""Shelf labels ("Label harga"): the products whose price central changed, their labels printed as a page, and
marked put up; the promotions starting or ending about now and their labels; a label for any product on demand."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, g, redirect, request, url_for

from common.errors import DomainError
from common.promotions import deal_words
from pos.services import promo_labels, shelf_labels
from pos.services.store_time import to_local

from ..api.common import ctx
from . import fmt
from .access import err, me, page, t
from .tables import Table

COLUMNS = [
    ("sku", "text"),
    ("barcode", "text"),
    ("name", "text"),
    ("was", "money"),
    ("price", "money"),
    ("promo_price", "money"),
    ("changed_at", "datetime"),
]


def pending_table() -> Table:
    rows = [{**r, "changed_at": to_local(ctx(), r["changed_at"])} for r in shelf_labels.pending(ctx())]
    return Table("labels", COLUMNS, rows, url_for("manager.labels_csv"), {"sku": "manager.item"})


PROMO_COLUMNS = [
    ("promo_name", "text"),
    ("promo_off", "text"),
    ("promo_deal", "text"),
    ("promo_period", "text"),
    ("promo_products", "qty"),
    ("promo_status", "text"),
]
PROMO_HEADERS = {key: f"labels.{key}" for key, _ in PROMO_COLUMNS}


def _promo_words(p: dict[str, Any]) -> dict[str, Any]:
    """A promotion's row with its deal ("Beli 2 Gratis 1"), period and status said in the page's language (the page
    and its CSV)."""
    until = fmt.when(p["until"]) if p["until"] else ""
    if p["status"] == promo_labels.UPCOMING:
        status = t("labels.promo_starts_today", time=p["starts"].strftime("%H:%M")) if p["days"] == 0 else None
        status = status or t("labels.promo_starts", n=p["days"])
    elif p["status"] == promo_labels.RUNNING:
        status = t("labels.promo_running", until=until) if until else t("labels.promo_running_open")
    else:
        status = t("labels.promo_ended", until=until)
    start = fmt.when(p["starts"]) if p["starts"] else t("labels.promo_open_start")
    return {
        **p,
        "promo_name": p["name"],
        "promo_off": p["off"],
        "promo_deal": deal_words(p["kind"], p["set_qty"], p["value"], g.get("lang", "id"), p["mixed"]) or "",
        "promo_period": f"{start} – {until or t('labels.promo_open_end')}",
        "promo_products": p["products"],
        "promo_status": status,
    }


def promo_table() -> Table:
    rows = [_promo_words(p) for p in promo_labels.promotions(ctx())]
    labels = {key: t(word) for key, word in PROMO_HEADERS.items()}
    return Table("promotions", PROMO_COLUMNS, rows, url_for("manager.labels_promotions_csv"), labels=labels)


def list_page(status: int = 200, **extra: Any) -> tuple[str, int]:
    """The list of labels to replace (with a refusal said on it, and what was typed kept)."""
    extra.setdefault("code", request.args.get("code", ""))
    return page(
        "labels.html",
        status,
        table=pending_table(),
        promos=promo_table(),
        promo_days=promo_labels.WINDOW_DAYS,
        max_labels=shelf_labels.MAX_LABELS,
        **extra,
    )


def register(bp: Blueprint) -> None:
    @bp.get("/labels")
    def labels():
        return list_page()

    @bp.get("/labels.csv")
    def labels_csv():
        return pending_table().csv()

    @bp.get("/labels/promotions.csv")
    def labels_promotions_csv():
        return promo_table().csv()

    @bp.get("/labels/print")
    def labels_print():
        """The labels as a page to print on any printer (A4, 3 x 8), chosen by SKU or barcode (`sku` repeated)."""
        try:
            shown = shelf_labels.labels(ctx(), request.args.getlist("sku"))
        except DomainError as e:
            return list_page(e.status, error=err(e))
        return page("labels_print.html", labels=shown, today=to_local(ctx(), ctx().clock()))

    @bp.get("/labels/promotion/<promo_id>")
    def labels_promotion(promo_id: str):
        """A promotion's labels as a page to print: at its price before it starts, at the usual price after it ends
        (a promotion with more products than a sheet holds prints in parts, `part` 1, 2..)."""
        try:
            shown = promo_labels.sheet(ctx(), promo_id, request.args.get("part", 1, type=int) or 1)
        except DomainError as e:
            return list_page(e.status, error=err(e))
        return page("labels_print.html", **shown, today=to_local(ctx(), ctx().clock()))

    @bp.post("/labels/done")
    def labels_done():
        try:
            n = shelf_labels.mark_labelled(ctx(), me(), request.form.getlist("sku"))
        except DomainError as e:
            return list_page(e.status, error=err(e), code="")
        flash(t("labels.marked", n=n) if n else t("labels.marked_none"), "ok")
        return redirect(url_for("manager.labels"))
