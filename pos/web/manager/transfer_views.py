"""Transfers with other stores: send or ask for stock, answer a request, receive what was sent (per line)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, request, url_for

from common.errors import DomainError
from pos.services import transfer_views, transfers
from pos.services.store_time import to_local

from ..api.common import ctx
from .access import err, me, page, t
from .stock_views import parse_int
from .tables import Table

FORM_LINES = 6  # item rows on the send / request form (blank rows are skipped)


def history_table(board: dict[str, Any]) -> Table:
    rows = [
        {
            "at": to_local(ctx(), v["received_at"] or v["sent_at"] or v["created_at"]),
            "ref_id": v["short"],
            "direction": t(f"transfer.dir.{v['direction']}"),
            "store": v["partner_name"],
            "state": t(f"transfer.status.{v['status']}"),
            "items": len(v["lines"]),
            "qty": v["units"],
            "variance": sum(l["difference"] or 0 for l in v["lines"]) or None,
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
        ("qty", "int"),
        ("variance", "signed"),
    ]
    return Table("transfers", columns, rows, url_for("manager.transfers_csv"))


def _form_lines(form: Any) -> list[tuple[str, int]]:
    out = []
    for i in range(FORM_LINES):
        code = (form.get(f"code_{i}") or "").strip()
        if code:
            out.append((code, parse_int(form.get(f"qty_{i}"), default=1)))
    return out


def _line_qtys(form: Any) -> dict[str, int]:
    """The per-line figures typed on a transfer (fields `qty:<line id>`)."""
    return {k[4:]: parse_int(v, default=0) for k, v in form.items() if k.startswith("qty:")}


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
                done = transfers.receive(ctx(), me(), transfer_id, _line_qtys(f))
            elif act == "accept":
                done = transfers.accept(ctx(), me(), transfer_id, _line_qtys(f))
            elif act == "decline":
                done = transfers.decline(ctx(), me(), transfer_id, f.get("note"))
            else:
                raise DomainError("bad_action", f"unknown action {act!r}")
        except DomainError as e:
            return board_page(e.status, error=err(e))
        key = "transfer.done.differs" if done["differs"] else f"transfer.done.{done['status']}"
        flash(t(key, ref=done["short"], store=done["partner_name"]), "ok")
        return redirect(url_for("manager.transfers_page"))
