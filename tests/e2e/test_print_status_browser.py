"""The printer badge on the till, in headless Chromium: it appears while the printer is off and clears once
the waiting receipt has printed. The store server is the real `omnitoko store serve` (its print worker
included) printing to a fake network printer on 127.0.0.1."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from test_till_browser import Till

_spec = importlib.util.spec_from_file_location(
    "fake_printer", Path(__file__).resolve().parents[1] / "integration" / "fake_printer.py"
)
fake_printer = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
_spec.loader.exec_module(fake_printer)  # type: ignore[union-attr]

BADGE = '#status-badges [data-badge="printer_status"]'
AQUA_330 = "8990000100010"


@pytest.fixture
def printing_server(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, Any]]:
    """The store server configured (by environment) for a network printer that is switched off."""
    printer = fake_printer.FakePrinter()
    for key, value in {
        "KIND": "network",
        "HOST": "127.0.0.1",
        "PORT": str(printer.port),
        "TIMEOUT": "2",
        "RETRY_INITIAL": "0.2",
        "RETRY_MAX": "0.5",
    }.items():
        monkeypatch.setenv(f"OMNITOKO_PRINTER__{key}", value)
    server = request.getfixturevalue("store_server")
    yield server, printer
    printer.stop()


def _badge(driver: Any) -> tuple[str, str]:
    found = driver.find_elements(By.CSS_SELECTOR, BADGE)
    return (found[0].get_attribute("data-level") or "", found[0].text) if found else ("", "")


def _sale_on_till_two(server: Any) -> str:
    """A manager sells on the other till (T2); both tills share the store's printer."""
    token = server.api("POST", "/session", json={"staff_code": "9001", "pin": "4321", "till_id": "T2"}).json()["token"]
    assert server.api("POST", "/shifts", token, json={"opening_float": 100_000}).status_code == 201
    sale = server.api("POST", "/sales", token).json()
    sale = server.api("POST", f"/sales/{sale['id']}/lines", token, json={"barcode": AQUA_330}).json()
    server.api("POST", f"/sales/{sale['id']}/tenders", token, json={"type": "cash", "amount": sale["total"]})
    done = server.api("POST", f"/sales/{sale['id']}/complete", token)
    assert done.status_code == 200, done.text
    return str(done.json()["number"])


def test_the_printer_badge_shows_while_the_printer_is_off_and_clears_after_the_receipt_prints(
    printing_server: tuple[Any, Any], browser: Any
) -> None:
    server, printer = printing_server
    till = Till(browser(), server)
    till.open()
    till.sign_in_and_open_shift()
    till.until(
        lambda: till.d.find_element(By.ID, "badge-live").get_attribute("data-level") == "ok",
        "the till has joined its live room",
    )

    number = _sale_on_till_two(server)  # completes at once although nothing can print
    till.until(
        lambda: _badge(till.d)[0] == "error" and "1 struk menunggu" in _badge(till.d)[1],
        "the badge says the printer is off and one receipt waits",
    )
    assert "tidak terhubung" in _badge(till.d)[1]

    printer.start()
    till.until(lambda: _badge(till.d)[0] == "ok", "the badge clears once the receipt has printed")
    assert "menunggu" not in _badge(till.d)[1]
    assert printer.count(number.encode()) == 1
