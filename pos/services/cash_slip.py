"""The slip the receipt printer gives for cash in or out of the drawer (the print worker renders it with the drawer's
kick first): worded here from the receipt catalog in the store's language, so the worker only prints lines."""

from __future__ import annotations

from typing import Any

from common import i18n
from common.money import format_money
from pos.adapters.tables import CashMove

from .context import StoreContext
from .store_time import to_local


def slip(ctx: StoreContext, move: CashMove, cashier: str, manager: str | None) -> dict[str, Any]:
    """The payload of a `cash` print job: title, lines, the amount, the signature line."""
    loc = ctx.config.i18n.default_locale

    def word(key: str) -> str:
        return i18n.text("receipt", loc, key)

    at = to_local(ctx, move.created_at).strftime("%d/%m/%Y %H:%M")
    lines = [
        f"{word('reason')}: {word(f'cash.{move.reason}')}",
        *([f"  {move.note}"] if move.note else []),
        f"{word('till')}: {move.till_id}",
        f"{word('date')}: {at}",
        f"{word('cashier')}: {cashier}",
        *([f"{word('approved_by')}: {manager}"] if manager else []),
    ]
    return {
        "store_name": ctx.config.store.name,
        "title": word(f"cash_{move.direction}"),
        "lines": lines,
        "amount_text": format_money(move.amount, ctx.currency),
        "signature": word("signature"),
    }
