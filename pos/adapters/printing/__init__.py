"""Receipt printers through python-escpos: render a receipt to ESC/POS bytes, open the configured device,
ask it for its status (DLE EOT). python-escpos is imported lazily (see lib.py)."""

from .devices import Device, PrinterProblem, PrinterStatus, open_device, parse_status
from .render import render_drawer_kick, render_receipt, render_slip, render_ticket

__all__ = [
    "Device",
    "PrinterProblem",
    "PrinterStatus",
    "open_device",
    "parse_status",
    "render_drawer_kick",
    "render_receipt",
    "render_slip",
    "render_ticket",
]
