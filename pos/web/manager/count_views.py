"""Stock count pages: the list and start form, counting by scan or typed quantity, review, post or cancel."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, request, url_for

from common.errors import DomainError
from pos.services import stock_count_review, stock_counts, stock_queries
from pos.services.store_time import to_local

from ..api.common import ctx
from . import fmt
from .access import err, me, page, t
from .stock_views import category_names
from .tables import Table

COUNTS_COLUMNS = [
    ("number", "int"),
    ("scope", "text"),
    ("state", "state"),
    ("started_at", "datetime"),
    ("started_by", "text"),
    ("lines", "int"),
    ("closed_at", "datetime"),
    ("closed_by", "text"),
]
REVIEW_COLUMNS = [
    ("sku", "text"),
    ("name", "text"),
    ("counted", "int"),
    ("on_hand_at_count", "int"),
    ("variance", "signed"),
    ("value", "money"),
    ("on_hand_now", "int"),
    ("after_post", "int"),
    ("counted_at", "datetime"),
]
MISSING_COLUMNS = [("sku", "text"), ("barcode", "text"), ("name", "text"), ("on_hand_now", "int")]


def _local(row: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {**row, **{k: to_local(ctx(), row[k]) if row.get(k) else None for k in keys}}


def counts_table() -> Table:
    names = category_names()
    rows = [
        _local(
            {**c, "scope": names.get(c["category"], c["category"]) if c["category"] else t("count.whole_store")},
            "started_at",
            "closed_at",
        )
        for c in stock_count_review.list_counts(ctx())
    ]
    return Table("stock-counts", COUNTS_COLUMNS, rows, url_for("manager.counts_csv"))


def review_tables(count_id: str) -> tuple[dict[str, Any], Table, Table]:
    review = stock_count_review.count_review(ctx(), count_id)
    review = _local(review, "started_at", "closed_at")
    review["category_name"] = category_names().get(review["category"] or "", "")
    rows = [_local(r, "counted_at") for r in review["rows"]]
    counted = Table(
        f"count-{review['number']}",
        REVIEW_COLUMNS,
        rows,
        url_for("manager.count_csv", count_id=count_id),
        {"sku": "manager.item"},
    )
    missing = Table(
        f"count-{review['number']}-not-counted",
        MISSING_COLUMNS,
        review["not_counted"],
        url_for("manager.count_missing_csv", count_id=count_id),
        {"sku": "manager.item"},
    )
    return review, counted, missing


def register(bp: Blueprint) -> None:
    def counts_page(status: int = 200, **extra: Any):
        return page("counts.html", status, table=counts_table(), categories=stock_queries.categories(ctx()), **extra)

    @bp.get("/counts")
    def counts():
        return counts_page()

    @bp.get("/counts.csv")
    def counts_csv():
        return counts_table().csv()

    @bp.post("/counts")
    def count_start():
        f = request.form
        try:
            done = stock_counts.start_count(ctx(), me(), f.get("category"), f.get("note", ""))
        except DomainError as e:
            # Keep what was chosen and typed; a count still open is one click away
            return counts_page(e.status, error=err(e), form=f, still_open=e.detail.get("count_id"))
        flash(t("count.started", number=done["number"]), "ok")
        return redirect(url_for("manager.count", count_id=done["id"]))

    def count_page(count_id: str, status: int = 200, **extra: Any):
        review, counted, missing = review_tables(count_id)
        return page("count.html", status, count=review, counted=counted, missing=missing, **extra)

    @bp.get("/counts/<count_id>")
    def count(count_id: str):
        return count_page(count_id)

    @bp.get("/counts/<count_id>/counted.csv")
    def count_csv(count_id: str):
        return review_tables(count_id)[1].csv()

    @bp.get("/counts/<count_id>/not-counted.csv")
    def count_missing_csv(count_id: str):
        return review_tables(count_id)[2].csv()

    @bp.post("/counts/<count_id>/lines")
    def count_line(count_id: str):
        f = request.form
        code = f.get("code", "").strip()
        try:
            # A typed figure is set (a weighed product's in kg); none: the scan adds one.
            line = stock_counts.record_count(ctx(), me(), count_id, code, typed=f.get("qty"))
        except DomainError as e:
            # A count may be 0 (none on the shelf), so not the stock forms' "a whole number above 0"
            said = t("err.bad_counted_qty", value=f.get("qty", "")) if e.code == "bad_quantity" else err(e)
            return count_page(count_id, e.status, error=said, code=code, typed_qty=f.get("qty", ""))
        flash(
            t(
                "count.recorded",
                name=line["name"],
                counted=fmt.qty(line["counted"], measure=line["measure"]),
                on_hand=fmt.qty(line["on_hand_at_count"], measure=line["measure"]),
                variance=fmt.qty(line["variance"], signed=True, measure=line["measure"])
                if line["measure"] == "weight"
                else f"{line['variance']:+d}",
            ),
            "ok",
        )
        return redirect(url_for("manager.count", count_id=count_id))

    @bp.post("/counts/<count_id>/post")
    def count_post(count_id: str):
        try:
            done = stock_counts.post_count(ctx(), me(), count_id)
        except DomainError as e:
            return count_page(count_id, e.status, error=err(e))
        adjusted = sum(1 for l in done["lines"] if l["variance"])
        flash(
            t(
                "count.posted",
                number=done["number"],
                lines=len(done["lines"]),
                adjusted=adjusted,
                net=fmt.net_variance(done),
            ),
            "ok",
        )
        return redirect(url_for("manager.count", count_id=count_id))

    @bp.post("/counts/<count_id>/cancel")
    def count_cancel(count_id: str):
        try:
            done = stock_counts.cancel_count(ctx(), me(), count_id)
        except DomainError as e:
            return count_page(count_id, e.status, error=err(e))
        flash(t("count.cancelled", number=done["number"]), "ok")
        return redirect(url_for("manager.count", count_id=count_id))
