"""A receipt printer on 127.0.0.1 that speaks enough ESC/POS for the print tests, and helpers to read jobs.

It collects the bytes of every connection (status queries taken out) and answers DLE EOT n with the
status it is told to have. `stop()` closes the port (connection refused, as when the printer is off).
"""

from __future__ import annotations

import socket
import struct
import threading
from collections.abc import Iterator

import pytest
from PIL import Image, ImageOps
from servekit import free_port

from pos import bootstrap
from pos.adapters.config import PrinterTable
from pos.services.context import StoreContext

# Answers to DLE EOT 1 (printer), 2 (offline cause), 4 (roll paper) per simulated state.
STATUS_BYTES: dict[str, tuple[int, int, int]] = {
    "online": (0x12, 0x12, 0x12),
    "paper_low": (0x12, 0x12, 0x1E),
    "offline": (0x1A, 0x12, 0x12),
    "cover_open": (0x1A, 0x16, 0x12),
    "paper_out": (0x1A, 0x32, 0x72),
}
CUT = b"\x1dV\x00"  # GS V 0: full cut, the last command of a receipt


def printer_config(port: int) -> PrinterTable:
    """A network printer on 127.0.0.1:`port`; retries are quick so the tests are."""
    return PrinterTable(kind="network", host="127.0.0.1", port=port, timeout=2.0, retry_initial=0.05, retry_max=0.25)


def print_to(store: StoreContext, port: int) -> StoreContext:
    """`store` queues its receipts for the printer on 127.0.0.1:`port`."""
    store.config.printer = printer_config(port)
    return bootstrap.enable(store, "receipt")


class FakePrinter:
    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.status = "online"
        self.jobs: list[bytes] = []  # everything a connection sent, in order, status queries taken out
        self.partials: list[bytes] = []  # what connections we dropped on purpose had sent
        self.queries = 0
        self.drop_after: int | None = None  # drop the next connection after this many data bytes
        self._lock = threading.Lock()
        self._server: socket.socket | None = None
        self._threads: list[threading.Thread] = []

    # --- power -----------------------------------------------------------------------------------------
    def start(self) -> FakePrinter:
        srv = socket.socket()
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        srv.bind(("127.0.0.1", self.port))
        srv.listen(8)
        self._server = srv
        t = threading.Thread(target=self._accept, args=(srv,), daemon=True)
        t.start()
        self._threads.append(t)
        return self

    def stop(self) -> None:
        srv, self._server = self._server, None
        if srv is not None:
            try:
                srv.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            srv.close()

    def _accept(self, srv: socket.socket) -> None:
        while True:
            try:
                conn, _ = srv.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        data = bytearray()
        with self._lock:
            drop, self.drop_after = self.drop_after, None
        conn.settimeout(10)
        try:
            while True:
                try:
                    chunk = conn.recv(65536)
                except OSError:
                    break
                if not chunk:
                    break
                data += chunk
                # The worker waits for each answer, so a query is always the end of what has arrived.
                while len(data) >= 3 and data[-3:-1] == b"\x10\x04" and data[-1] in (1, 2, 3, 4):
                    n = data[-1]
                    del data[-3:]
                    with self._lock:
                        self.queries += 1
                        b1, b2, b4 = STATUS_BYTES[self.status]
                    conn.sendall(bytes([{1: b1, 2: b2, 3: 0x12, 4: b4}[n]]))
                if drop is not None and len(data) >= drop:
                    with self._lock:
                        self.partials.append(bytes(data))
                    # RST, as when a switch drops the link: the sender sees a reset, not a clean end.
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    conn.close()
                    return
        finally:
            try:
                conn.close()
            except OSError:
                pass
        if data:
            with self._lock:
                self.jobs.append(bytes(data))

    # --- reading what was printed ----------------------------------------------------------------------
    def printed(self) -> list[bytes]:
        with self._lock:
            return list(self.jobs)

    def count(self, needle: bytes) -> int:
        return sum(job.count(needle) for job in self.printed())


@pytest.fixture(name="printer")
def printer_switched_on() -> Iterator[FakePrinter]:
    """The `printer` fixture of a test module that imports it: a printer on a free port, switched on from the start
    (a module whose tests switch it on themselves keeps its own)."""
    p = FakePrinter().start()
    yield p
    p.stop()


def raster_images(data: bytes) -> list[Image.Image]:
    """Every GS v 0 raster image in an ESC/POS stream, as black-on-white greyscale images."""
    out = []
    at = data.find(b"\x1dv0")
    while at >= 0:
        width_bytes, height = struct.unpack_from("<HH", data, at + 4)
        start = at + 8
        raw = data[start : start + width_bytes * height]
        # ESC/POS: a set bit is a black dot; PIL "1": a set bit is white.
        img = ImageOps.invert(Image.frombytes("1", (width_bytes * 8, height), raw).convert("L"))
        out.append(ImageOps.expand(img, border=16, fill=255))
        at = data.find(b"\x1dv0", start + len(raw))
    return out


def decode_qr(data: bytes) -> list[str]:
    """The text of every QR code printed as a raster image in `data` (zxing-cpp, a real decoder)."""
    import zxingcpp

    texts = []
    for img in raster_images(data):
        texts += [r.text for r in zxingcpp.read_barcodes(img) if r.format == zxingcpp.BarcodeFormat.QRCode]
    return texts
