"""A receipt model to ESC/POS bytes with python-escpos's Dummy printer (no device involved)."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from common.qr_images import qr_image
from pos.adapters.config import PrinterTable
from pos.domain.receipt import LABELS, Receipt, layout

from .lib import escpos


def _dummy(cfg: PrinterTable):
    printer, _, _ = escpos()
    p = printer.Dummy(profile=cfg.profile)
    p.hw("INIT")  # start from a known state, even after a job that broke off half way
    if cfg.codepage:
        p.charcode(cfg.codepage)
    return p


def render_receipt(receipt: Receipt, cfg: PrinterTable, *, kick: bool = False, locale: str = "id") -> bytes:
    """The whole job: optional drawer kick (first, so the drawer opens while paper feeds), text, QR, cut."""
    p = _dummy(cfg)
    if kick:
        p.cashdraw(cfg.drawer_pin)
    for bold, group in groupby(layout(receipt, cfg.columns, locale), key=lambda line: line.bold):
        p.set(bold=bold)
        text = "\n".join(line.text for line in group) + "\n"
        if cfg.codepage and text.isascii():
            # Exactly what python-escpos sends for ASCII under a pinned code page, minus its
            # per-character Python loop (most of the render time for a long receipt).
            p._raw(text.encode("ascii"))
        else:
            p.text(text)
    p.set(bold=False)
    if receipt.qr_url:
        # Centre with ESC a rather than image(center=True), which needs the profile's pixel width and
        # prints to stdout when it is unknown.
        p.set(align="center")
        p.image(qr_image(receipt.qr_url))
        p.set(align="left")
    if receipt.member_qr:  # a member sale: the member's own QR, for the next visit (issue 5)
        p.set(align="center")
        p.text("\n" + LABELS.get(locale, LABELS["id"])["member_qr"] + "\n")
        p.image(qr_image(receipt.member_qr))
        p.set(align="left")
    p.cut()
    return bytes(p.output)


def render_ticket(ticket: dict[str, Any], cfg: PrinterTable) -> bytes:
    """A kiosk cart's ticket (issue 6): the big short code and the signed QR the till scans; no drawer kick.

    `ticket` is the payload printing.queue_ticket stores: store_name, code, items, total_text, qr.
    """
    p = _dummy(cfg)
    p.set(align="center", bold=True)
    p.text(f"{ticket['store_name']}\n")
    p.set(bold=False)
    p.text("Tiket Kiosk / Kiosk ticket\n\n")
    p.set(bold=True, double_width=True, double_height=True)
    p.text(f"{ticket['code']}\n")
    p.set(bold=False, normal_textsize=True)
    items = int(ticket["items"])
    p.text(f"\n{items} barang / item{'s' if items != 1 else ''}  {ticket['total_text']}\n\n")
    p.image(qr_image(ticket["qr"]))
    p.text("\nTunjukkan di kasir / Show this at the till\n")
    p.set(align="left")
    p.cut()
    return bytes(p.output)


def render_drawer_kick(cfg: PrinterTable) -> bytes:
    """Only the kick pulse (ESC p), for the manager's "open drawer"."""
    p = _dummy(cfg)
    p.cashdraw(cfg.drawer_pin)
    return bytes(p.output)


def render_slip(slip: dict[str, Any], cfg: PrinterTable, *, kick: bool) -> bytes:
    """A cash in / out slip for the drawer (pos.services.cash_moves): the kick first, so the drawer opens while paper
    feeds, its lines as the service worded them, the amount large, a line to sign, cut.

    `slip` is the payload the service stores: title, lines, amount_text, signature.
    """
    p = _dummy(cfg)
    if kick:
        p.cashdraw(cfg.drawer_pin)
    p.set(align="center", bold=True)
    p.text(f"{slip['store_name']}\n{slip['title']}\n")
    p.set(align="left", bold=False)
    p.text("\n" + "\n".join(str(line) for line in slip["lines"]) + "\n\n")
    p.set(align="center", bold=True, double_width=True, double_height=True)
    p.text(f"{slip['amount_text']}\n")
    p.set(align="left", bold=False, normal_textsize=True)
    p.text(f"\n\n{slip['signature']}: ____________________\n")
    p.cut()
    return bytes(p.output)
