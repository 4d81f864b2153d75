"""Dynamic QRIS at the till in a real browser: Q on the pay screen asks the store server, which asks the central store,
which asks the stand-in gateway (each its own process on 127.0.0.1). The QR shows on the till and on the customer
display; the shopper's "bank app" scans the display's code and pays; the till completes the sale by itself. Esc
withdraws a QR; a store with no central store takes the static QRIS with a typed reference."""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait
from servekit import free_port, served
from test_online_cart_browser import CentralServer, _central_cli, _central_config, central_template  # noqa: F401
from test_till_browser import AQUA_330, AQUA_600, WAIT, Till

from common import qris

ROOT = Path(__file__).resolve().parents[2]
KEY = "SB-Mid-server-e2e-till-qris-0123456789"


@pytest.fixture
def central_and_gateway(tmp_path: Path, central_template: tuple[Path, str]) -> Iterator[tuple[CentralServer, str]]:
    template, token = central_template
    where = tmp_path / "central"
    where.mkdir()
    shutil.copyfile(template, where / "central.db")
    port, gateway_port = free_port(), free_port()
    config = _central_config(where, where / "central.db", port)
    text = config.read_text(encoding="utf-8").replace('server_key = ""', f'server_key = "{KEY}"', 1)
    config.write_text(text.replace("standin_port = 5200", f"standin_port = {gateway_port}"), encoding="utf-8")
    gateway_cmd = [*_central_cli()[:-1], "gateway", "serve", "--config", str(config)]
    with (
        served(gateway_cmd, ROOT, where / "gateway.log", f"http://127.0.0.1:{gateway_port}/health", "gateway"),
        served(
            _central_cli("serve", "--config", str(config), "--port", str(port)),
            ROOT,
            where / "central.log",
            f"http://127.0.0.1:{port}/api/v1/health",
            "central",
        ) as proc,
    ):
        yield CentralServer(f"http://127.0.0.1:{port}", token, proc), f"http://127.0.0.1:{gateway_port}"
    for log in ("gateway.log", "central.log"):
        assert KEY not in (where / log).read_text(errors="replace"), f"the server key is in {log}"


def _display(browser: Any, url: str) -> Any:
    display = browser()
    display.get(f"{url}/display/T1")
    WebDriverWait(display, WAIT, poll_frequency=0.05).until(
        lambda d: d.find_element(By.ID, "display-link").get_attribute("data-live") == "1", "display joined T1"
    )
    return display


def _scanned(element: Any) -> str:
    """What a phone camera reads from the code on screen."""
    import zxingcpp
    from PIL import Image

    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(element.screenshot_as_png)))
    assert found, "the QR code on screen can be read"
    return str(found[0].text)


def test_a_dynamic_qris_shown_on_till_and_display_is_paid_from_the_display_and_the_sale_completes(
    central_and_gateway: tuple[CentralServer, str],
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
    browser: Any,
    screens: Path,
) -> None:
    central, gateway = central_and_gateway
    monkeypatch.setenv("OMNITOKO_SYNC__CENTRAL_URL", central.url)
    monkeypatch.setenv("OMNITOKO_SYNC__TOKEN", central.token)
    store = request.getfixturevalue("store_server")
    display = _display(browser, store.url)
    till = Till(browser(), store)
    till.open()
    till.sign_in_and_open_shift()

    # A first QR withdrawn with Esc: the display goes back to the sale, nothing is paid.
    till.scan(AQUA_330, 1)
    till.keys(Keys.F12)
    till.until(lambda: till.focused_id() == "pay-given", "the pay dialog")
    till.keys("q")
    till.until(lambda: till.d.find_elements(By.ID, "qris-code"), "the till shows the QR")
    WebDriverWait(display, WAIT, poll_frequency=0.05).until(
        lambda d: d.find_element(By.ID, "d-qris-code").is_displayed(), "the display shows the QR"
    )
    till.keys(Keys.ESCAPE)
    till.until(lambda: till.d.find_element(By.ID, "qris-state").get_attribute("data-state") == "cancelled", "withdrawn")
    WebDriverWait(display, WAIT, poll_frequency=0.05).until(
        lambda d: d.find_element(By.ID, "d-sale").is_displayed(), "the display is back on the sale"
    )
    till.keys(Keys.ESCAPE)  # back to the pay screen

    # Another item, then QRIS again: a new code of the new amount, scanned from the customer display.
    till.keys(Keys.ESCAPE)
    till.until(lambda: till.focused_id() == "scan", "back on the sale")
    till.scan(AQUA_600, 2)
    till.keys(Keys.F12)
    till.until(lambda: till.focused_id() == "pay-given", "the pay dialog")
    till.keys("q")
    till.until(lambda: till.d.find_elements(By.ID, "qris-code"), "the till shows the QR")
    code = WebDriverWait(display, WAIT, poll_frequency=0.05).until(
        lambda d: d.find_element(By.ID, "d-qris-code") if d.find_element(By.ID, "d-qris-code").is_displayed() else None,
        "the display shows the QR",
    )
    assert "Rp 8.000" in display.find_element(By.ID, "d-qris").text
    display.save_screenshot(str(screens / "display-qris.png"))
    till.d.save_screenshot(str(screens / "till-qris.png"))
    payload = _scanned(code)
    assert qris.parse(payload)["54"] == "8000"

    paid = requests.post(f"{gateway}/standin/scan", json={"qr": payload}, timeout=30)  # the shopper's bank app
    assert paid.status_code == 200 and paid.json()["transaction_status"] == "settlement"
    till.until(lambda: till.shown("paid-panel"), "the till completes the sale once central confirms the payment")
    number = till.text("paid-number")
    sale = store.api("GET", f"/sales/{number}", till.token()).json()
    assert [(t["type"], t["amount"]) for t in sale["tenders"]] == [("qris_dynamic", 8_000)]
    WebDriverWait(display, WAIT, poll_frequency=0.05).until(
        lambda d: "Terima kasih" in d.find_element(By.ID, "display").text, "the display thanks the shopper"
    )


def test_without_a_central_store_q_offers_the_static_qris_with_a_typed_reference(
    store_server: Any, browser: Any
) -> None:
    till = Till(browser(), store_server)
    till.open()
    till.sign_in_and_open_shift()
    till.scan(AQUA_330, 1)
    till.keys(Keys.F12)
    till.until(lambda: till.focused_id() == "pay-given", "the pay dialog")
    till.keys("q")
    till.until(lambda: till.focused_id() == "qris-ref", "no central store: the static QRIS asks its reference")
    assert "QRIS statis" in till.d.find_element(By.ID, "dialog").text
    till.keys(Keys.ENTER)
    till.until(lambda: "referensi" in till.d.find_element(By.CSS_SELECTOR, "#dialog .dialog-msg").text.lower(), "asked")
    till.keys("REF-77120", Keys.ENTER)
    till.until(lambda: till.shown("paid-panel"), "the sale completes")
    sale = store_server.api("GET", f"/sales/{till.text('paid-number')}", till.token()).json()
    assert [(t["type"], t["reference"]) for t in sale["tenders"]][0][0] == "qris"
