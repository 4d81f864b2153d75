"""The member QR at central: the shop's Ed25519 signing key (from config, else its own file), the public key
stores verify cards with, and signing and reading a member's card.
"""

from __future__ import annotations

import os
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

from common import member_qr
from common.errors import DomainError

from .context import CentralContext

_KEYS: dict[str, Any] = {}


def private_key(ctx: CentralContext) -> Any:
    """The Ed25519 key from config, else from its file (made on first use, readable by this user only)."""
    cfg = ctx.config.loyalty
    text = cfg.signing_key.strip()
    if not text:
        path = Path(cfg.signing_key_file)
        if not path.is_file():
            _create_key_file(path)
        text = path.read_text(encoding="utf-8").strip()
    if text not in _KEYS:
        _KEYS[text] = member_qr.load_private_key(text)
    return _KEYS[text]


def _create_key_file(path: Path) -> None:
    """Write a new key whole to a private temp file, then link it into place: several workers starting at once
    all end up reading the one key that won (a link never replaces a file, and nobody sees it half-written)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".signing-key-")  # mode 0600
    try:
        with os.fdopen(fd, "w") as f:
            f.write(member_qr.new_private_key() + "\n")
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(temp, path)
        except FileExistsError:
            pass  # another worker's key won: use that one
    finally:
        os.unlink(temp)


def public_key(ctx: CentralContext) -> str:
    return member_qr.public_key_text(private_key(ctx))


def card_for(ctx: CentralContext, member_id: str) -> str:
    """A freshly signed member QR payload (valid loyalty.card_days from now)."""
    now = ctx.clock().replace(microsecond=0)
    cfg = ctx.config.loyalty
    return member_qr.sign(private_key(ctx), member_id, now, now + timedelta(days=cfg.card_days), cfg.shop_id)


def read_card(ctx: CentralContext, text: str) -> member_qr.MemberCard:
    """Verify a scanned card online; refused like the store refuses it offline (DomainError 422)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    pub: Ed25519PublicKey = private_key(ctx).public_key()
    try:
        return member_qr.verify(pub, text, ctx.config.loyalty.shop_id, ctx.clock())
    except member_qr.CardRefused as e:
        raise DomainError(e.code, e.message) from e
