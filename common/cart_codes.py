"""Online cart short codes (`K7Q-42P`) and the text of their QR codes (`OC1.<shop>.<code>`).

The alphabet leaves out 0/O and 1/I/L, so a code read aloud or typed from a phone screen has one meaning;
the first character is a letter, so a code typed without its dash is never taken for a barcode.
"""

from __future__ import annotations

import re
import secrets

from . import scan_codes
from .errors import DomainError

LETTERS = "ABCDEFGHJKMNPQRSTUVWXYZ"
ALPHABET = "23456789" + LETTERS


class OtherShop(DomainError):
    status = 422


def new_code() -> str:
    """Six characters from 31 (about 8e8 codes): a typo almost never lands on another live cart."""
    chars = secrets.choice(LETTERS) + "".join(secrets.choice(ALPHABET) for _ in range(5))
    return f"{chars[:3]}-{chars[3:]}"


def normalize(text: str) -> str | None:
    """`k7q 42p`, `K7Q42P` and `K7Q-42P` are the same code; None when it cannot be one."""
    raw = re.sub(r"[\s\-]", "", text or "").upper()
    if len(raw) != 6 or raw[0] not in LETTERS or any(c not in ALPHABET for c in raw):
        return None
    return f"{raw[:3]}-{raw[3:]}"


def qr_payload(shop_id: str, code: str) -> str:
    """ASCII only and short: a keyboard-wedge scanner types it reliably, a camera reads it at a glance."""
    return scan_codes.cart_qr(shop_id, code)


def parse_reference(text: str, shop_id: str) -> str:
    """The code in a scanned QR or a typed code; another shop's QR and garbage are refused with a reason."""
    text = (text or "").strip()
    if m := scan_codes.CART_QR.match(text):
        if m.group(1).lower() != shop_id.lower():
            raise OtherShop(
                "other_shop_cart",
                f"this cart is from another shop ({m.group(1)}), not {shop_id}: it cannot be paid here",
                shop=m.group(1),
            )
        text = m.group(2)
    code = normalize(text)
    if code is None:
        raise DomainError("bad_cart_code", "an online cart code has six letters and digits, like K7Q-42P")
    return code
