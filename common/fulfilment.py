"""Fulfilling a paid online order at a store: its statuses, its hand-over code, and what a short pick refunds.

Both servers read these rules: the store to show the refund a short pick will make, central to check and make
it. Money stays integer Rupiah; a part of a line is worth its share of what the line cost, rounded in the
shopper's favour.
"""

from __future__ import annotations

import hashlib
from typing import Any

from . import scan_codes
from .cart_codes import new_code, normalize

# A status's rank only grows: a late copy from the feed never takes a store's order back a step.
RANK = {"assigned": 1, "picked": 2, "packed": 3, "collected": 4, "shipped": 4, "cancelled": 4}
DONE = frozenset({"collected", "shipped", "cancelled"})
MODES = ("pickup", "delivery")


def new_handover_code() -> str:
    return new_code()


def qr_payload(code: str) -> str:
    return scan_codes.order_qr(code)  # "OO1.<code>"; the code alone is typed (K7Q-42P)


def code_from(text: str) -> str | None:
    """The code in a scanned order QR or as typed (any case, with or without its dash); None if it is none."""
    text = (text or "").strip()
    if m := scan_codes.ORDER_QR.match(text):
        text = m.group(1)
    return normalize(text)


def code_hash(code: str) -> str:
    """What a store keeps and compares: it can check a code offline without holding one."""
    return hashlib.sha256(scan_codes.order_qr(code).encode()).hexdigest()


def part_value(net: int, qty: int, missing: int) -> int:
    """What `missing` of a line's `qty` units cost the shopper: the line less the kept units' share (rounded
    down), so the units kept and the units refunded add up to the line exactly."""
    if qty <= 0 or missing <= 0:
        return 0
    missing = min(missing, qty)
    return net - net * (qty - missing) // qty


def unit_paid(net: int, qty: int) -> int:
    """The most a substitute may cost per unit: what the shopper paid for one unit of the line (rounded down)."""
    return net // qty if qty > 0 else 0


def line_refund(net: int, qty: int, picked: int, substitute_price: int = 0, substitute_qty: int = 0) -> int:
    """A short line's refund: the missing units' value less what the substitutes cost (never below zero)."""
    return max(0, part_value(net, qty, qty - picked) - substitute_price * substitute_qty)


def leaving(lines: list[dict[str, Any]]) -> dict[str, int]:
    """What leaves the store for a picked order, per SKU: the picked units and the substitutes (none of zero)."""
    out: dict[str, int] = {}
    for l in lines:
        out[l["sku"]] = out.get(l["sku"], 0) + int(l.get("picked") or 0)
        if l.get("substitute_sku"):
            out[l["substitute_sku"]] = out.get(l["substitute_sku"], 0) + int(l.get("substitute_qty") or 0)
    return {sku: qty for sku, qty in sorted(out.items()) if qty}
