"""QR codes for kiosk tickets, drawn as SVG so they stay sharp on any screen size."""

from __future__ import annotations

import io

import qrcode
from qrcode.image.svg import SvgPathFillImage


def qr_svg(text: str) -> bytes:
    """The QR of `text` as a standalone SVG (medium error correction: a scuffed phone screen still scans)."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2, image_factory=SvgPathFillImage)
    qr.add_data(text)
    qr.make(fit=True)
    out = io.BytesIO()
    qr.make_image().save(out)
    return out.getvalue()
