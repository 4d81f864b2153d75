"""Receipt pages: /receipts/<number>/<sig> for the till, and the shopper's digital receipt at the signed QR URL."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from common.errors import NotFound
from common.qr_images import qr_svg
from pos.domain.receipt import LABELS, Receipt, layout
from pos.services import receipts as receipt_service

from .api.common import ctx
from .i18n import page_locale

receipt_pages = Blueprint("receipts", __name__)


def _render(receipt: Receipt, digital: bool):
    c, loc = ctx(), page_locale()
    return render_template(
        "pos/receipt.html",
        receipt=receipt,
        lines=layout(receipt, c.config.printer.columns, loc, qr_line=False),  # said under the QR, or is this page
        lang=loc,
        labels=LABELS[loc],
        digital=digital,
        qr=qr_svg(receipt.qr_url) if receipt.qr_url and not digital else None,
        member_qr=qr_svg(receipt.member_qr) if receipt.member_qr else None,
    )


@receipt_pages.get("/receipts/<number>/<sig>")
def receipt_page(number: str, sig: str):
    try:
        return _render(receipt_service.get_signed_receipt(ctx(), number, sig, "till"), digital=False)
    except NotFound:
        abort(404)


@receipt_pages.get("/r/<number>/<sig>")
def digital_receipt(number: str, sig: str):
    try:
        return _render(receipt_service.get_signed_receipt(ctx(), number, sig), digital=True)
    except NotFound:
        abort(404)
