"""Receipt rendering speed: a 40-line receipt with its QR code to ESC/POS bytes (goal: median under 5 ms).

Also, for comparison, the same receipt through python-escpos's own `qr()` (it searches all eight QR masks
and converts the image through RGB), and the plain-text layout alone.

Run: python -m bench.receipt. Prints figures; asserts nothing.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime

from bench import Row, percentile, print_table, row
from pos.adapters.config import PrinterTable
from pos.adapters.printing import render_receipt
from pos.adapters.printing.lib import escpos
from pos.domain.receipt import Receipt, ReceiptLine, ReceiptTax, ReceiptTender, layout

RUNS = int(os.environ.get("BENCH_RECEIPT_RUNS", "400"))
URL = "http://192.168.1.20:5000/r/TOKO-01-T1-000123/q7Xc0Jr1v2b9ZtLkQm3a8w"


def forty_line_receipt() -> Receipt:
    lines = tuple(
        ReceiptLine(
            f"Barang belanja nomor {i:02d} kemasan {100 + i} gram",
            1 + i % 4,
            2_500 + 750 * i,
            (1 + i % 4) * (2_500 + 750 * i),
            500 if i % 5 == 0 else 0,
            (1 + i % 4) * (2_500 + 750 * i) - (500 if i % 5 == 0 else 0),
        )
        for i in range(40)
    )
    total = sum(l.net for l in lines)
    return Receipt(
        kind="sale",
        number="TOKO-01-T1-000123",
        issued_at=datetime(2026, 11, 23, 14, 5),
        till_id="T1",
        cashier="Siti Rahayu",
        store_name="Omnitoko Kemang",
        store_address="Jl. Kemang Raya No. 10, Jakarta Selatan",
        npwp="01.234.567.8-901.000",
        lines=lines,
        subtotal=sum(l.gross for l in lines),
        discount=sum(l.discount for l in lines),
        taxes=(ReceiptTax("PPN", 1100, total - total * 11 // 111, total * 11 // 111),),
        total=total,
        tenders=(ReceiptTender("card", 50_000, "************4242"), ReceiptTender("cash", total)),
        change=50_000,
        footer="Terima kasih / Thank you",
        qr_url=URL,
    )


def timed(fn: Callable[[], object], runs: int = RUNS, clock: Callable[[], float] = time.perf_counter) -> list[float]:
    """Milliseconds per call. `time.thread_time` gives CPU time, which a busy machine does not inflate."""
    for _ in range(20):  # warm up imports, profile loading and caches
        fn()
    samples = []
    for _ in range(runs):
        start = clock()
        fn()
        samples.append((clock() - start) * 1000)
    return samples


def escpos_builtin_qr(receipt: Receipt, cfg: PrinterTable) -> bytes:
    """The same job with python-escpos's qr() (what a first version would write), for comparison."""
    printer, _, _ = escpos()
    p = printer.Dummy(profile=cfg.profile)
    p.hw("INIT")
    p.charcode(cfg.codepage)
    p.text("\n".join(line.text for line in layout(receipt, cfg.columns)) + "\n")
    p.set(align="center")
    p.qr(receipt.qr_url, size=4)
    p.cut()
    return bytes(p.output)


def run(runs: int = RUNS) -> list[Row]:
    receipt, cfg = forty_line_receipt(), PrinterTable(columns=48)
    ours = timed(lambda: render_receipt(receipt, cfg, kick=True), runs)
    ours_cpu = timed(lambda: render_receipt(receipt, cfg, kick=True), runs, clock=time.thread_time)
    builtin = timed(lambda: escpos_builtin_qr(receipt, cfg), max(5, runs // 4))
    text_only = timed(lambda: layout(receipt, cfg.columns), runs)
    size = len(render_receipt(receipt, cfg, kick=True))
    med = statistics.median(ours)
    base = statistics.median(builtin)
    return [
        row("40-line receipt + QR -> ESC/POS bytes, median", med, "ms", "< 5 ms"),
        row("40-line receipt + QR -> ESC/POS bytes, p95", percentile(ours, 95), "ms"),
        row("same, CPU time of the rendering thread, median", statistics.median(ours_cpu), "ms", "< 5 ms"),
        row("same with python-escpos qr() (mask search), median", base, "ms", "", "ours", base / med),
        row("plain-text layout alone (48 columns), median", statistics.median(text_only), "ms"),
        row("job size", size / 1024, "KiB"),
    ]


def main() -> int:
    load = os.getloadavg()[0] / (os.cpu_count() or 1)
    print_table(
        run(),
        f"bench.receipt: {RUNS} renders (python-escpos Dummy, profile TM-T20II, 48 columns); "
        f"load per CPU at start {load:.1f} (wall-clock figures grow with it, CPU time does not)",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
