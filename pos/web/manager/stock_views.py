"""Stock pages: the stock list, one product's ledger and level, low stock, receiving and adjustments."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, flash, g, redirect, request, url_for

from common.contract.names import ONLINE_LOCATION
from common.errors import DomainError
from pos.services import stock_admin, stock_elsewhere, stock_queries
from pos.services.store_time import to_local

from ..api.common import ctx
from . import fmt
from .access import err, me, page, t
from .tables import Table

COUNT_REASON = re.compile(r"count #(\d+)")  # how a posted count names itself on its movements


def category_names() -> dict[str, str]:
    """Category code -> name in the page's language."""
    lang = g.get("lang", "id")
    return {
        c["code"]: (c["name_en"] or c["name"]) if lang == "en" else c["name"] for c in stock_queries.categories(ctx())
    }


def place_name(location: str, name: str) -> str:
    """Another store by its own name; the online shop in the page's language (central names it "Toko Online")."""
    return t("stock.online_shop") if location == ONLINE_LOCATION else name


def stock_table(q: str, category: str, only_low: bool) -> tuple[Table, dict[str, Any]]:
    data = stock_queries.stock_list(ctx(), q=q, category=category, only_low=only_low)
    data["locations"] = [{**loc, "name": place_name(loc["location"], loc["name"])} for loc in data["locations"]]
    columns = [
        ("sku", "text"),
        ("barcode", "text"),
        ("name", "text"),
        ("category", "text"),
        ("price", "money"),
        ("on_hand", "int"),
        ("min_qty", "int"),
        ("unsynced", "signed"),
    ]
    for loc in data["locations"]:
        columns.append((f"at:{loc['location']}", "int"))
    names = category_names()
    rows = [
        {
            **r,
            "category": names.get(r["category"], r["category"]),
            "unsynced": r["unsynced"] or None,
            **{f"at:{loc}": n for loc, n in r["remote"].items()},
        }
        for r in data["rows"]
    ]
    args: dict[str, Any] = {"q": q, "category": category, **({"low": "1"} if only_low else {})}
    named = {f"at:{loc['location']}": loc["name"] for loc in data["locations"]}  # the CSV's headers, as the page's
    return Table("stock", columns, rows, url_for("manager.stock_csv", **args), {"sku": "manager.item"}, named), data


def low_table() -> Table:
    rows = [
        {**r, "unsynced": r["unsynced"] or None, "remote_total": r["remote_total"] or None}
        for r in stock_queries.low_stock(ctx())
    ]
    columns = [
        ("sku", "text"),
        ("name", "text"),
        ("on_hand", "int"),
        ("min_qty", "int"),
        ("shortfall", "int"),
        ("unsynced", "signed"),
        ("remote_total", "int"),
    ]
    return Table("low-stock", columns, rows, url_for("manager.low_csv"), {"sku": "manager.item"})


def ledger_table(item: dict[str, Any]) -> Table:
    for m in item["movements"]:
        if (m["kind"] == "adjustment" and m["reason"] in stock_admin.REASONS) or m["kind"] == "transfer":
            m["reason"] = t(f"reason.{m['reason']}")
        elif m["kind"] == "count" and (n := COUNT_REASON.fullmatch(m["reason"] or "")):
            m["reason"] = t("reason.count", number=n.group(1))  # "Stok opname #3", not the stored "count #3"
    columns = [
        ("at", "datetime"),
        ("kind", "kind"),
        ("reason", "text"),
        ("qty", "signed"),
        ("balance", "int"),
        ("staff", "text"),
    ]
    return Table(f"ledger-{item['sku']}", columns, item["movements"], url_for("manager.item_csv", code=item["sku"]))


def receipts_table(ref: str) -> Table:
    columns = [("at", "datetime"), ("sku", "text"), ("name", "text"), ("qty", "int")]
    return Table(
        "received",
        columns,
        stock_queries.receipts_for(ctx(), ref),
        url_for("manager.receive_csv", ref=ref),
        {"sku": "manager.item"},
    )


def _local_rows(rows: list[dict[str, Any]], key: str = "at") -> list[dict[str, Any]]:
    return [{**r, key: to_local(ctx(), r[key])} for r in rows]


def register(bp: Blueprint) -> None:
    @bp.get("/stock")
    def stock():
        q, category, low = request.args.get("q", ""), request.args.get("category", ""), bool(request.args.get("low"))
        table, data = stock_table(q, category, low)
        return page(
            "stock.html",
            table=table,
            data=data,
            q=q,
            category=category,
            low=low,
            categories=stock_queries.categories(ctx()),
        )

    @bp.get("/stock.csv")
    def stock_csv():
        return stock_table(request.args.get("q", ""), request.args.get("category", ""), bool(request.args.get("low")))[
            0
        ].csv()

    @bp.get("/stock/low")
    def low():
        return page("low.html", table=low_table(), below=stock_queries.below_zero(ctx()))

    @bp.get("/stock/low.csv")
    def low_csv():
        return low_table().csv()

    def item_page(code: str, status: int = 200, **extra: Any):
        item = stock_queries.product_detail(ctx(), code)
        item["movements"] = _local_rows(item["movements"])
        item["category_name"] = category_names().get(
            item["category"] or "", item["category_name"]
        )  # in the page's language
        item["remote"] = [{**r, "name": place_name(r["location"], r["name"])} for r in item["remote"]]
        return page("item.html", status, item=item, ledger=ledger_table(item), reasons=stock_admin.REASONS, **extra)

    @bp.get("/stock/item/<code>")
    def item(code: str):
        try:
            return item_page(code)
        except DomainError as e:
            flash(err(e), "error")
            return redirect(url_for("manager.stock", q=code))

    @bp.get("/stock/item/<code>/elsewhere.json")
    def item_elsewhere(code: str):
        try:
            found = stock_elsewhere.elsewhere(ctx(), code)
            for loc in found.get("locations") or []:
                loc["name"] = place_name(loc["location"], loc["name"])
            return found
        except DomainError as e:
            return {"error": {"code": e.code, "message": e.message}}, e.status

    @bp.get("/stock/item/<code>/ledger.csv")
    def item_csv(code: str):
        item = stock_queries.product_detail(ctx(), code, limit=100_000)
        item["movements"] = _local_rows(item["movements"])
        return ledger_table(item).csv()

    @bp.post("/stock/item/<code>/level")
    def item_level(code: str):
        try:
            # As typed: a whole number, or a weighed product's level in kg
            done = stock_admin.set_threshold(ctx(), me(), code, None, typed=request.form.get("min_qty") or "")
        except DomainError as e:  # the refused figure stays in the field to correct, not the saved level
            return item_page(code, e.status, error=err(e), typed_level=request.form.get("min_qty", ""))
        level = done["min_qty"]
        shown = t("item.no_level") if level is None else fmt.qty(level, measure=done["measure"])
        flash(t("item.level_saved", name=done["name"], level=shown), "ok")
        return redirect(url_for("manager.item", code=done["sku"]))

    def receive_page(ref: str, status: int = 200, **extra: Any):
        table = receipts_table(ref)
        table.rows = _local_rows(table.rows)
        return page("receive.html", status, ref=ref, table=table, **extra)

    @bp.get("/stock/receive")
    def receive():
        return receive_page(request.args.get("ref", "").strip())

    @bp.get("/stock/receive.csv")
    def receive_csv():
        table = receipts_table(request.args.get("ref", "").strip())
        table.rows = _local_rows(table.rows)
        return table.csv()

    @bp.post("/stock/receive")
    def receive_post():
        f = request.form
        ref, code = f.get("supplier_ref", "").strip(), f.get("code", "").strip()
        try:
            qty = stock_admin.typed_quantity(ctx(), code, f.get("qty"), default=1)  # a weighed product's in kg
            done = stock_admin.receive(ctx(), me(), ref, [(code, qty or 0)])
        except DomainError as e:
            return receive_page(ref, e.status, error=err(e), code=code, typed_qty=f.get("qty", ""))
        line = done["lines"][0]
        flash(
            t(
                "receive.done",
                name=line["name"],
                qty=fmt.qty(line["qty"], measure=line["measure"]),
                before=fmt.qty(line["on_hand_before"], measure=line["measure"]),
                after=fmt.qty(line["on_hand_after"], measure=line["measure"]),
            ),
            "ok",
        )
        return redirect(url_for("manager.receive", ref=ref))

    @bp.get("/stock/adjust")
    def adjust():
        return page("adjust.html", reasons=stock_admin.REASONS, form={"code": request.args.get("code", "")})

    @bp.post("/stock/adjust")
    def adjust_post():
        f = request.form
        try:
            qty = stock_admin.typed_quantity(ctx(), f.get("code", ""), f.get("qty"))  # a weighed product's in kg
            if qty is None:
                raise DomainError("bad_quantity", "type how many", value="")
            done = stock_admin.adjust(ctx(), me(), f.get("code", ""), qty, f.get("reason"), f.get("note"))
        except DomainError as e:
            back = f.get("back") == "item" and f.get("code")
            if back:
                return item_page(f["code"], e.status, error=err(e), adjust_form=f)
            return page("adjust.html", e.status, reasons=stock_admin.REASONS, form=f, error=err(e))
        line = done["lines"][0]
        flash(
            t(
                "adjust.done",
                name=line["name"],
                qty=fmt.qty(line["qty"], signed=True, measure=line["measure"]),  # "+2" found, "-2" damaged
                reason=t(f"reason.{done['reason']}"),
                before=fmt.qty(line["on_hand_before"], measure=line["measure"]),
                after=fmt.qty(line["on_hand_after"], measure=line["measure"]),
            ),
            "ok",
        )
        if f.get("back") == "item":
            return redirect(url_for("manager.item", code=line["sku"]))
        return redirect(url_for("manager.adjust"))
