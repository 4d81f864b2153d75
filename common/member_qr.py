"""The member QR: a payload the central store signs with Ed25519; stores verify it offline with the public key.

Text in the QR (byte mode, about 160 characters):  OTK1.<member id>.<issued at>.<expires at>.<shop>.<signature>
Times are Unix seconds (central's clock); the signature (base64url, no padding) covers everything before it.
That shape is common/scan_codes.py's, beside the other codes a till or kiosk reads; this module judges the card.
Only central holds the private key, so nobody else can make or alter a card; the shop id in the signed part
keeps one shop's cards out of another shop that happens to use the same format.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from . import scan_codes


class CardRefused(Exception):
    """Why a scanned member QR is not accepted; `code` for programs, `message` for the cashier or shopper."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


@dataclass(frozen=True)
class MemberCard:
    member_id: str
    issued_at: datetime  # naive UTC, like every stored time
    expires_at: datetime
    shop: str


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _ts(value: datetime) -> int:
    return int(value.replace(tzinfo=UTC).timestamp()) if value.tzinfo is None else int(value.timestamp())


def _dt(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC).replace(tzinfo=None)


# -- keys --------------------------------------------------------------------------------------------------
def new_private_key() -> str:
    """A fresh signing key as base64url of its 32 raw bytes (what the central config holds)."""
    from cryptography.hazmat.primitives import serialization

    raw = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return _b64(raw)


def load_private_key(text: str) -> Ed25519PrivateKey:
    try:
        raw = _unb64(text.strip())
        return Ed25519PrivateKey.from_private_bytes(raw)
    except (ValueError, binascii.Error) as e:
        raise ValueError(
            "the loyalty signing key is not 32 bytes of base64url (make one with "
            "`python -c 'from common.member_qr import new_private_key; print(new_private_key())'`)"
        ) from e


def public_key_text(private: Ed25519PrivateKey) -> str:
    from cryptography.hazmat.primitives import serialization

    return _b64(private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))


def load_public_key(text: str) -> Ed25519PublicKey:
    try:
        return Ed25519PublicKey.from_public_bytes(_unb64(text.strip()))
    except (ValueError, binascii.Error) as e:
        raise ValueError("the loyalty public key is not 32 bytes of base64url") from e


# -- sign and verify ---------------------------------------------------------------------------------------
def sign(private: Ed25519PrivateKey, member_id: str, issued_at: datetime, expires_at: datetime, shop: str) -> str:
    body = f"{scan_codes.MEMBER_QR_PREFIX}.{member_id}.{_ts(issued_at)}.{_ts(expires_at)}.{shop}"
    if not scan_codes.MEMBER_QR.match(body + "." + "A" * 86):
        raise ValueError(f"cannot sign a card for member {member_id!r} of shop {shop!r}")
    return body + "." + _b64(private.sign(body.encode()))


def verify(public: Ed25519PublicKey | None, text: str, shop: str, now: datetime) -> MemberCard:
    """The card in a scanned QR, or CardRefused saying why (forged, altered, expired, another shop's)."""
    text = (text or "").strip()
    m = scan_codes.MEMBER_QR.match(text)
    if not m:
        if scan_codes.is_member_qr_prefixed(text):
            raise CardRefused(
                "card_damaged",
                "this member QR is damaged or altered: ask the member to show the QR from the account page",
            )
        raise CardRefused("not_a_card", "this is not a member QR")
    member_id, iat, exp, card_shop, sig_text = m.groups()
    if public is None:
        raise CardRefused(
            "no_card_key",
            "this store does not have the member card key yet: sync with the central "
            "store, or find the member by phone number",
        )
    sig = _unb64(sig_text)
    body = text[: -len(sig_text) - 1]
    # A base64 text whose spare bits were changed decodes to the same bytes: only the one canonical text counts.
    genuine = _b64(sig) == sig_text
    try:
        public.verify(sig, body.encode())
    except InvalidSignature:
        genuine = False
    if card_shop != shop:
        raise CardRefused("other_shop", f"this member QR is from another shop ({card_shop}), not {shop}")
    if not genuine:
        raise CardRefused(
            "card_forged",
            "this member QR is not genuine (its signature does not match): it was altered or not made by us",
        )
    card = MemberCard(member_id, _dt(int(iat)), _dt(int(exp)), card_shop)
    if card.expires_at <= now:
        raise CardRefused(
            "card_expired",
            f"this member QR expired on {card.expires_at:%d/%m/%Y}: show a fresh one "
            "from the account page, or use the phone number",
        )
    return card
