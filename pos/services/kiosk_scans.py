"""What a shopper scanned at the kiosk: a member QR, a product's barcode, an online cart's QR or code, a till
ticket, a paid online order's QR, or text that is none of them. The one place that decides it: the points step's
refusal of what is not a member QR carries it, and every other step asks POST /api/v1/kiosk/scan. The kiosk opens
the step that fits (points, the product's price, the cart) or says what the thing is, instead of a bare "not valid".
"""

from __future__ import annotations

import re
from typing import Any

from common import cart_codes, scan_codes
from common.errors import DomainError, NotFound

from .context import StoreContext
from .kiosk_catalog import browse

_BARCODE = re.compile(r"^[0-9A-Za-z\-]{1,32}$")  # what the price check takes
_DIGITS = re.compile(r"^\d{6,14}$")  # EAN-8 to GTIN-14: a product barcode this store does not sell


def what_is(ctx: StoreContext, text: str) -> dict[str, Any]:
    """{"kind": ...} for a scan: `member` (a member QR, good or not: the points step judges it), `product` (with
    the product as the price check shows it), `unknown_barcode`, `online_cart` (its code; `other_shop` for another
    shop's cart), `till_ticket`, `online_order` or `unknown`."""
    text = (text or "").strip()
    if scan_codes.is_member_qr_prefixed(text):
        return {"kind": "member"}
    if scan_codes.is_ticket(text):
        return {"kind": "till_ticket"}
    if scan_codes.is_order_qr(text):
        return {"kind": "online_order"}
    if scan_codes.is_cart_qr_prefixed(text):
        return _cart(ctx, text)
    if _BARCODE.match(text):
        try:
            return {"kind": "product", "product": browse(ctx, barcode=text)["items"][0]}
        except NotFound:
            pass
    if code := cart_codes.normalize(text):
        return {"kind": "online_cart", "code": code}
    if _DIGITS.match(text):
        return {"kind": "unknown_barcode", "code": text}
    return {"kind": "unknown"}


def _cart(ctx: StoreContext, text: str) -> dict[str, Any]:
    try:
        return {"kind": "online_cart", "code": cart_codes.parse_reference(text, ctx.config.loyalty.shop_id)}
    except cart_codes.OtherShop as e:
        return {"kind": "online_cart", "code": None, "other_shop": e.detail.get("shop")}
    except DomainError:
        return {"kind": "unknown"}  # OC1. and then something no cart QR holds
