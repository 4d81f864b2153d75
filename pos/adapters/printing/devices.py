"""Printer devices chosen by config, and their real-time status over DLE EOT n.

Status bytes (Epson ESC/POS, DLE EOT n; every answer has bits 1 and 4 set, bits 0 and 7 clear):
  n=1 printer:        bit 3 = offline
  n=2 offline cause:  bit 2 = cover open, bit 5 = stopped at paper end
  n=4 roll paper:     bits 2+3 = paper near end, bits 5+6 = paper end
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeGuard

from pos.adapters.config import PrinterTable
from pos.adapters.printer_kinds import PRINTER_KINDS

from .lib import escpos

DLE_EOT = b"\x10\x04"


@dataclass(frozen=True)
class PrinterStatus:
    online: bool = True
    cover_open: bool = False
    paper_out: bool = False
    paper_low: bool = False

    @property
    def problem(self) -> str | None:
        """The reason nothing should be sent now, or None when the printer can print."""
        if self.cover_open:
            return "cover_open"
        if self.paper_out:
            return "paper_out"
        if not self.online:
            return "offline"
        return None


class PrinterProblem(Exception):
    """The printer cannot take the job now; `code` is one of unreachable, offline, cover_open, paper_out,
    connection_lost, no_answer."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _valid(byte: int | None) -> TypeGuard[int]:
    return byte is not None and (byte & 0x93) == 0x12


def parse_status(printer: int | None, cause: int | None, paper: int | None) -> PrinterStatus:
    """Status from the answers to DLE EOT 1, 2 and 4 (None or a malformed byte = not known, assumed fine)."""
    online = not (_valid(printer) and printer & 0x08)
    cover_open = bool(_valid(cause) and cause & 0x04)
    paper_out = bool(_valid(paper) and (paper & 0x60) == 0x60) or bool(_valid(cause) and cause & 0x20)
    paper_low = bool(_valid(paper) and (paper & 0x0C) == 0x0C)
    return PrinterStatus(online=online, cover_open=cover_open, paper_out=paper_out, paper_low=paper_low)


class Device:
    """One open connection to the printer, used for one job and closed."""

    def __init__(self, printer: Any, can_query: bool, where: str) -> None:
        self.printer = printer
        self.can_query = can_query
        self.where = where

    def _ask(self, n: int) -> int:
        try:
            answer = self.printer.query_status(DLE_EOT + bytes([n]))
        except TimeoutError as e:
            raise PrinterProblem("no_answer", f"{self.where} did not answer a status query") from e
        except OSError as e:
            raise PrinterProblem("connection_lost", f"connection to {self.where} lost: {e}") from e
        if not answer:
            raise PrinterProblem("connection_lost", f"{self.where} closed the connection")
        return answer[-1]

    def status(self) -> PrinterStatus | None:
        """Ask DLE EOT 1, 2 and 4; None when this device cannot be asked."""
        if not self.can_query:
            return None
        return parse_status(self._ask(1), self._ask(2), self._ask(4))

    def send(self, data: bytes) -> None:
        try:
            self.printer._raw(data)  # python-escpos's raw write; the whole job in one go
        except OSError as e:
            raise PrinterProblem("connection_lost", f"connection to {self.where} lost while printing: {e}") from e

    def confirm(self) -> None:
        """One more status answer after the job: the printer answers in order, so it proves every byte
        before it arrived (a dropped connection shows here, not as a silently lost receipt)."""
        if self.can_query:
            self._ask(1)

    def close(self) -> None:
        try:
            self.printer.close()
        except Exception:  # noqa: BLE001 - closing a dead connection must not hide the real outcome
            pass


def open_device(cfg: PrinterTable) -> Device:
    """Connect to the configured printer; PrinterProblem("unreachable") when it cannot be opened."""
    printer_mod, _, exc = escpos()
    kind = PRINTER_KINDS[cfg.kind]
    if kind.open is None:
        raise PrinterProblem("no_printer", f'no printer is configured ([printer] kind = "{kind.name}")')
    printer, where = kind.open(printer_mod, cfg)
    try:
        printer.open()
    except (exc.Error, OSError) as e:
        raise PrinterProblem("unreachable", f"{where} cannot be reached: {' '.join(str(e).split())}") from e
    if getattr(printer, "_device", None) in (None, False):
        raise PrinterProblem("unreachable", f"{where} cannot be reached")
    can_query = cfg.status_query and kind.answers_status and not printer.profile.supports("starCommands")
    return Device(printer, can_query, where)
