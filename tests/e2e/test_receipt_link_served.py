"""The QR on a printed receipt opens the receipt: it names the port the server really serves on, even when
`omnitoko store serve --port` differs from the config file's port."""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from servekit import wait_for
from test_till_browser import AQUA_330

_spec = importlib.util.spec_from_file_location(
    "fake_printer", Path(__file__).resolve().parents[1] / "integration" / "fake_printer.py"
)
fake_printer = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
_spec.loader.exec_module(fake_printer)  # type: ignore[union-attr]


@pytest.fixture
def printer(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A fake network printer (a TCP listener on 127.0.0.1) the store server is configured to print on."""
    listener = fake_printer.FakePrinter().start()
    for key, value in {"KIND": "network", "HOST": "127.0.0.1", "PORT": str(listener.port), "TIMEOUT": "2"}.items():
        monkeypatch.setenv(f"OMNITOKO_PRINTER__{key}", value)
    yield listener
    listener.stop()


def test_the_printed_qr_opens_the_receipt_on_the_port_the_server_serves(printer: Any, request: Any) -> None:
    server = request.getfixturevalue("store_server_moved")  # started after the printer's settings are in place
    configured = re.search(r"^port = (\d+)", server.config.read_text(encoding="utf-8"), re.M).group(1)  # type: ignore[union-attr]
    assert f":{configured}" not in server.url
    token = server.api("POST", "/session", json={"staff_code": "1001", "pin": "1234", "till_id": "T1"}).json()["token"]
    assert server.api("POST", "/shifts", token, json={"opening_float": 100_000}).status_code == 201
    sale = server.api("POST", "/sales", token).json()
    sale = server.api("POST", f"/sales/{sale['id']}/lines", token, json={"barcode": AQUA_330}).json()
    server.api("POST", f"/sales/{sale['id']}/tenders", token, json={"type": "cash", "amount": sale["total"]})
    done = server.api("POST", f"/sales/{sale['id']}/complete", token)
    assert done.status_code == 200, done.text
    number = str(done.json()["number"])
    job = wait_for(lambda: next((j for j in printer.printed() if number.encode() in j), None), "the receipt printed")
    link = next(q for q in fake_printer.decode_qr(job) if number in q)
    assert link.startswith(server.url + "/r/"), link
    page = requests.get(link, timeout=10)
    assert page.status_code == 200 and number in page.text
