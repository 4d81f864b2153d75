"""Transfers with other stores: send or ask for stock, answer a request, receive what was sent (per line)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, request, url_for

from common.errors import DomainError
from common.measure import WEIGHT, parse_weight, parse_whole
from pos.services import stock_admin, transfer_views, transfers
from pos.services.store_time import to_local

from ..api.common import ctx
from . import fmt
from .access import err, me, page, t
from .tables import Table

FORM_LINES = 6  # item rows on the send / request form (blank rows are skipped)


def _figure(v: dict[str, Any], l: dict[str, Any]) -> int:
    return (l["received"] if v["status"] == "received" else l["sent"] or l["requested"] or 0) or 0


def apart(lines: list[dict[str, Any]], figure: Any, signed: bool = False) -> str:
    """Items and kg side by side, never added together: `5 · 0,025 kg` (what there is of each)."""
    units = sum(figure(l) for l in lines if l["measure"] != WEIGHT)
    grams = sum(figure(l) for l in lines if l["measure"] == WEIGHT)
    weighed, counted = any(l["measure"] == WEIGHT for l in lines), any(l["measure"] != WEIGHT for l in lines)
    parts = [
        fmt.qty(units, signed) if counted or not weighed else "",
        fmt.qty(grams, signed, WEIGHT) if weighed else "",
    ]
    return " · ".join(p for p in parts if p)


def history_table(board: dict[str, Any]) -> Table:
    rows = [
        {
            "at": to_local(ctx(), v["received_at"] or v["sent_at"] or v["created_at"]),
            "ref_id": v["short"],
            "direction": t(f"transfer.dir.{v['direction']}"),
            "store": v["partner_name"],
            "state": t(f"transfer.status.{v['status']}"),
            "items": len(v["lines"]),
            "qty": apart(v["lines"], lambda l, v=v: _figure(v, l)),
            "variance": apart(v["lines"], lambda l: l["difference"] or 0, signed=True)
            if any(l["difference"] for l in v["lines"])
            else None,
        }
        for v in board["waiting"] + board["done"]
    ]
    columns = [
        ("at", "datetime"),
        ("ref_id", "text"),
        ("direction", "text"),
        ("store", "text"),
        ("state", "text"),
        ("items", "int"),
        ("qty", "figures"),  # items and kg apart
        ("variance", "figures"),
    ]
    return Table("transfers", columns, rows, url_for("manager.transfers_csv"))


def _form_lines(form: Any) -> list[tuple[str, int]]:
    """The items typed on the send / request form: whole items, or a weighed product's kg (as on every stock form)."""
    out = []
    for i in range(FORM_LINES):
        code = (form.get(f"code_{i}") or "").strip()
        if code:
            out.append((code, stock_admin.typed_quantity(ctx(), code, form.get(f"qty_{i}"), default=1) or 0))
    return out


def _line_qtys(transfer_id: str, form: Any) -> dict[str, int]:
    """The per-line figures typed on a transfer (fields `qty:<line id>`): a weighed line's in kg; blank is 0."""
    board = transfer_views.board(ctx())
    weighed = {l["id"] for v in board["todo"] if v["id"] == transfer_id for l in v["lines"] if l["measure"] == WEIGHT}
    out = {}
    for key, value in form.items():
        if key.startswith("qty:"):
            text = (value or "").strip()
            out[key[4:]] = (
                0 if not text else parse_weight(text, counted=True) if key[4:] in weighed else parse_whole(text)
            )
    return out


def register(bp: Blueprint) -> None:
    def board_page(status: int = 200, **extra: Any):
        board = transfer_views.board(ctx())
        return page(
            "transfers.html",
            status,
            board=board,
            history=history_table(board),
            stores=transfer_views.stores(ctx()),
            form_lines=FORM_LINES,
            **extra,
        )

    @bp.get("/transfers")
    def transfers_page():
        return board_page()

    @bp.get("/transfers.csv")
    def transfers_csv():
        return history_table(transfer_views.board(ctx())).csv()

    @bp.post("/transfers/new")
    def transfers_new():
        f = request.form
        try:
            lines = _form_lines(f)
            if f.get("mode") == "request":
                done = transfers.request(ctx(), me(), f.get("store", ""), lines, f.get("note"))
            else:
                done = transfers.send(ctx(), me(), f.get("store", ""), lines, f.get("note"))
        except DomainError as e:
            return board_page(e.status, error=err(e), form=f)
        flash(t(f"transfer.done.{done['status']}", ref=done["short"], store=done["partner_name"]), "ok")
        return redirect(url_for("manager.transfers_page"))

    @bp.post("/transfers/<transfer_id>/<act>")
    def transfers_act(transfer_id: str, act: str):
        f = request.form
        try:
            if act == "receive":
                done = transfers.receive(ctx(), me(), transfer_id, _line_qtys(transfer_id, f))
            elif act == "accept":
                done = transfers.accept(ctx(), me(), transfer_id, _line_qtys(transfer_id, f))
            elif act == "decline":
                done = transfers.decline(ctx(), me(), transfer_id, f.get("note"))
            else:
                raise DomainError("bad_action", f"unknown action {act!r}")
        except DomainError as e:
            return board_page(e.status, error=err(e))
        key = "transfer.done.differs" if done["differs"] else f"transfer.done.{done['status']}"
        flash(t(key, ref=done["short"], store=done["partner_name"]), "ok")
        return redirect(url_for("manager.transfers_page"))
