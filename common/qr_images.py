"""QR codes as images: 1-bit for receipts, SVG for screens (both servers show them)."""

from __future__ import annotations

import qrcode
from PIL import Image

QR_BOX = 4  # printer dots per QR module: about 0.5 mm at 203 dpi, easy for phone cameras


def qr_image(data: str, box: int = QR_BOX) -> Image.Image:
    """A black-on-white 1-bit QR image. The mask is fixed: python-qrcode's search of all eight masks is
    three quarters of the render time, and any mask gives a valid code."""
    code = qrcode.QRCode(box_size=1, border=2, mask_pattern=0, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(data)
    code.make(fit=True)
    matrix = code.get_matrix()
    n = len(matrix)
    img = Image.frombytes("L", (n, n), bytes(0 if dark else 255 for row in matrix for dark in row))
    return img.resize((n * box, n * box), Image.Resampling.NEAREST).convert("1")


def qr_svg(data: str) -> str:
    """The same code as inline SVG for the screen (pure Python, no image files)."""
    from qrcode.image.svg import SvgPathImage

    img = qrcode.make(data, image_factory=SvgPathImage, box_size=10, border=2)
    return str(img.to_string(encoding="unicode"))
