"""Dynamic QRIS at the till in a real browser: Q on the pay screen asks the store server, which asks the central store,
which asks the stand-in gateway (each its own process on 127.0.0.1). The QR shows on the till and on the customer
display; the shopper's "bank app" scans the display's code and pays; the till completes the sale by itself. Esc
withdraws a QR; a store with no central store takes the static QRIS with a typed reference."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait
from test_online_cart_browser import central_template  # noqa: F401
from test_online_payment_browser import Shop, shop_and_gateway  # noqa: F401
from test_till_browser import AQUA_330, AQUA_600, WAIT, Till

from common import qris

# The QR screen of the customer display, each of its parts whole between the top bar and the promotion bar.
QRIS_SHOWN_JS = """
const top = document.querySelector(".display-top").getBoundingClientRect().bottom;
const promo = document.querySelector(".display-promo").getBoundingClientRect().top, out = [];
for (const id of ["d-qris-code", "d-qris-amount", "d-qris-state"]) {
  const r = document.getElementById(id).getBoundingClientRect();
  if (r.height < 1 || r.top < top - 0.5 || r.bottom > promo + 0.5) out.push(`${id} is not whole (${r.top}-${r.bottom})`);
}
const title = document.querySelector(".d-qris-title").getBoundingClientRect();
if (title.top < top - 0.5) out.push("the title is under the top bar");
return out;
"""


def _display(browser: Any, url: str) -> Any:
    display = browser()
    display.get(f"{url}/display/T1")
    WebDriverWait(display, WAIT, poll_frequency=0.05).until(
        lambda d: d.find_element(By.ID, "display-link").get_attribute("data-live") == "1", "display joined T1"
    )
    return display


def _press_q(till: Till) -> None:
    """F12 to pay, Q for QRIS."""
    till.keys(Keys.F12)
    till.until(lambda: till.focused_id() == "pay-given", "the pay dialog")
    till.keys("q")


def _scanned(element: Any) -> str:
    """What a phone camera reads from the code on screen."""
    import zxingcpp
    from PIL import Image

    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(element.screenshot_as_png)))
    assert found, "the QR code on screen can be read"
    return str(found[0].text)


def test_a_dynamic_qris_shown_on_till_and_display_is_paid_from_the_display_and_the_sale_completes(
    shop_and_gateway: Shop,
    central_template: tuple[Path, str],
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
    browser: Any,
    screens: Path,
) -> None:
    gateway = shop_and_gateway.gateway
    monkeypatch.setenv("OMNITOKO_SYNC__CENTRAL_URL", shop_and_gateway.url)  # the store connects to that central
    monkeypatch.setenv("OMNITOKO_SYNC__TOKEN", central_template[1])
    store = request.getfixturevalue("store_server")
    display = _display(browser, store.url)
    till = Till(browser(), store)
    till.open()
    till.sign_in_and_open_shift()

    # A first QR withdrawn with Esc: the display goes back to the sale, nothing is paid.
    till.scan(AQUA_330, 1)
    _press_q(till)
    till.until(lambda: till.d.find_elements(By.ID, "qris-code"), "the till shows the QR")
    WebDriverWait(display, WAIT, poll_frequency=0.05).until(
        lambda d: d.find_element(By.ID, "d-qris-code").is_displayed(), "the display shows the QR"
    )
    for width, height in ((1440, 900), (1366, 768), (1024, 768), (1920, 1080)):  # the screens a display runs on
        display.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
        )
        assert display.execute_script(QRIS_SHOWN_JS) == [], f"{width}x{height}"
    display.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
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
    _press_q(till)
    till.until(lambda: till.d.find_elements(By.ID, "qris-code"), "the till shows the QR")
    code = WebDriverWait(display, WAIT, poll_frequency=0.05).until(
        lambda d: d.find_element(By.ID, "d-qris-code") if d.find_element(By.ID, "d-qris-code").is_displayed() else None,
        "the display shows the QR",
    )
    WebDriverWait(display, WAIT, poll_frequency=0.05).until(
        lambda d: d.execute_script(
            "const i = document.getElementById('d-qris-code'); return i.complete && i.naturalWidth > 0;"
        ),
        "the display has drawn the QR (its image decoded)",
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
    _press_q(till)
    till.until(lambda: till.focused_id() == "qris-ref", "no central store: the static QRIS asks its reference")
    assert "QRIS statis" in till.d.find_element(By.ID, "dialog").text
    till.keys(Keys.ENTER)
    till.until(lambda: "referensi" in till.d.find_element(By.CSS_SELECTOR, "#dialog .dialog-msg").text.lower(), "asked")
    till.keys("REF-77120", Keys.ENTER)
    till.until(lambda: till.shown("paid-panel"), "the sale completes")
    sale = store_server.api("GET", f"/sales/{till.text('paid-number')}", till.token()).json()
    assert [(t["type"], t["reference"]) for t in sale["tenders"]][0][0] == "qris"
