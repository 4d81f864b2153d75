"""Printer kinds, declared once: `[printer] kind` in config, opening the device and "is there a printer" all read
this registry, as python-escpos declares each printer as a class. A new kind is one entry here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# (python-escpos printer module, the [printer] table) -> (an unopened escpos printer, where it is, for messages)
Opener = Callable[[Any, Any], tuple[Any, str]]


@dataclass(frozen=True)
class PrinterKind:
    name: str
    open: Opener | None  # None: no printer at all (receipts are shown, never queued)
    answers_status: bool = False  # DLE EOT status over the wire; USB and file printers are only written to
    needs: tuple[str, ...] = ()  # [printer] keys this kind cannot open without


def _network(mod: Any, cfg: Any) -> tuple[Any, str]:
    return (
        mod.Network(cfg.host, port=cfg.port, timeout=cfg.timeout, profile=cfg.profile),
        f"printer {cfg.host}:{cfg.port}",
    )


def _usb(mod: Any, cfg: Any) -> tuple[Any, str]:
    return (
        mod.Usb(cfg.usb_vendor, cfg.usb_product, timeout=int(cfg.timeout * 1000), profile=cfg.profile),
        f"USB printer {cfg.usb_vendor:04x}:{cfg.usb_product:04x}",
    )


def _serial(mod: Any, cfg: Any) -> tuple[Any, str]:
    return (
        mod.Serial(cfg.serial_device, baudrate=cfg.baudrate, timeout=cfg.timeout, profile=cfg.profile),
        f"printer {cfg.serial_device}",
    )


def _file(mod: Any, cfg: Any) -> tuple[Any, str]:
    return mod.File(cfg.file_path, profile=cfg.profile), f"printer file {cfg.file_path}"


PRINTER_KINDS: dict[str, PrinterKind] = {
    k.name: k
    for k in (
        PrinterKind("network", _network, answers_status=True, needs=("host",)),
        PrinterKind("usb", _usb, needs=("usb_vendor", "usb_product")),
        PrinterKind("serial", _serial, answers_status=True, needs=("serial_device",)),
        PrinterKind("file", _file, needs=("file_path",)),
        PrinterKind("none", None),
    )
}


def prints(kind: str) -> bool:
    """True when this kind is a real printer (receipts are queued for it)."""
    return PRINTER_KINDS[kind].open is not None
