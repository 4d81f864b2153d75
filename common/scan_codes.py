"""The shapes of the codes a kiosk or a till is shown and scans, in one place:

- a kiosk ticket: `K-12` on the kiosk's screen, `K1.<cart id>.<20 hex>` in its QR (signed by the store:
  pos/services/kiosk_carts.py);
- a paid online order's pick-up QR: `OO1.<code>` (the code alone is typed: common/fulfilment.py);
- an online cart's QR: `OC1.<shop>.<code>` (the code's alphabet and its reading: common/cart_codes.py);
- a member's QR: `OTK1.<member id>.<issued at>.<expires at>.<shop>.<signature>` (signed by central, its signature
  checked by common/member_qr.py).

Only shapes: what a code means (a signature, a shop, a cart) is decided where it is used. The pages keep
JavaScript copies (static/pos/kiosk-carts.js; the member QR's in static/shared/kit.js, for the till and the kiosk);
tests/unit/test_scan_codes.py holds them to these.
"""

from __future__ import annotations

import re

TICKET_QR_PREFIX = "K1"
ORDER_QR_PREFIX = "OO1"
CART_QR_PREFIX = "OC1"
MEMBER_QR_PREFIX = "OTK1"

# K1.<kiosk cart id>.<signature>: short, ASCII only, so a wedge scanner at the till types it reliably.
TICKET_QR = re.compile(r"^K1\.([0-9a-f-]{36})\.([0-9a-f]{20})$", re.IGNORECASE)
# A ticket as the kiosk's screen shows it (K-12), the dash optional, and as a cashier or a shopper may type it:
# leading zeros too (K-0012 and K-000012 are K-12, at the till and at the kiosk). ASCII digits, as the scripts read.
TICKET_CODE = re.compile(r"^K-?0*([0-9]{1,5})$", re.IGNORECASE)
ORDER_QR = re.compile(r"^OO1\.([A-Za-z0-9-]{6,8})$", re.IGNORECASE)
CART_QR = re.compile(r"^OC1\.([A-Za-z0-9_-]{1,32})\.([A-Za-z0-9-]{6,8})$", re.IGNORECASE)
# OTK1.<member id>.<issued at>.<expires at>.<shop>.<signature>: Unix seconds, base64url of the 64-byte signature.
MEMBER_QR = re.compile(r"^OTK1\.([0-9a-f-]{36})\.(\d{1,12})\.(\d{1,12})\.([A-Za-z0-9_-]{1,32})\.([A-Za-z0-9_-]{86})$")


def ticket_code(number: int) -> str:
    """The day's ticket number as the kiosk shows it and the till types it: 12 -> "K-12"."""
    return f"K-{number}"


def ticket_number(text: str) -> int | None:
    """12 for "K-12", "k12" or "K-0012"; None when the text is no ticket code."""
    m = TICKET_CODE.match((text or "").strip())
    return int(m.group(1)) if m else None


def ticket_qr(cart_id: str, signature: str) -> str:
    return f"{TICKET_QR_PREFIX}.{cart_id}.{signature}"


def is_ticket_qr(text: str) -> bool:
    return bool(TICKET_QR.match((text or "").strip()))


def is_ticket(text: str) -> bool:
    """A kiosk ticket's QR or its code (K-12, K-0012)."""
    text = (text or "").strip()
    return bool(TICKET_QR.match(text) or TICKET_CODE.match(text))


def order_qr(code: str) -> str:
    return f"{ORDER_QR_PREFIX}.{code}"


def is_order_qr(text: str) -> bool:
    return bool(ORDER_QR.match((text or "").strip()))


def cart_qr(shop_id: str, code: str) -> str:
    return f"{CART_QR_PREFIX}.{shop_id}.{code}"


def is_cart_qr_prefixed(text: str) -> bool:
    """Starts like an online cart's QR (OC1.), whatever follows: the kiosk reads it as a cart or says it is none."""
    return (text or "").strip().upper().startswith(CART_QR_PREFIX + ".")


def is_member_qr_prefixed(text: str) -> bool:
    """Starts like a member's QR (OTK1.), whatever follows: the member check says whether it is whole and genuine."""
    return (text or "").strip().upper().startswith(MEMBER_QR_PREFIX + ".")
