"""The gateway notification signature, as Midtrans defines it: SHA512(order_id + status_code + gross_amount +
server_key), hex. Both the central store (checking) and the stand-in gateway (signing) use this one function."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Any


def signature(order_id: str, status_code: str, gross_amount: str, server_key: str) -> str:
    return hashlib.sha512(f"{order_id}{status_code}{gross_amount}{server_key}".encode()).hexdigest()


def signed(body: Mapping[str, Any], server_key: str) -> bool:
    """True when the body's signature_key is the one its order id, status code and amount give (constant time)."""
    parts = [body.get(k) for k in ("order_id", "status_code", "gross_amount", "signature_key")]
    if not server_key or not all(isinstance(p, str) and p for p in parts):
        return False
    order_id, status_code, gross_amount, given = (str(p) for p in parts)
    return hmac.compare_digest(signature(order_id, status_code, gross_amount, server_key), given.lower())


def gross_amount_text(amount: int) -> str:
    """How Midtrans writes an IDR amount in notifications and status answers: "11500.00"."""
    return f"{amount}.00"


def parse_gross_amount(text: str) -> int | None:
    """ "11500.00" -> 11500; None for anything that is not a whole Rupiah amount."""
    whole, _, frac = text.partition(".")
    if not whole.isascii() or not whole.isdigit() or len(whole) > 15 or (frac and (not frac.isdigit() or int(frac))):
        return None
    return int(whole)
