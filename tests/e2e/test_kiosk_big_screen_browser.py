"""The kiosk on a store's big screen (21.5"-32"): 1080 x 1920 portrait, the most common, and 1920 x 1080 landscape.
What a shopper would notice: a screen with little on it sits in the middle of the glass, not in the top third above
an empty bottom; the search field keeps its size before anything is typed; the keyboard is one a hand can span."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from test_kiosk_browser import AQUA_330, Kiosk, rect, screen_of, window_size

BIG = [(1080, 1920), (1920, 1080)]


def middle_of(kiosk: Kiosk, css: str) -> float:
    """Where the element's centre is between the top bar and the footer: 0 at the bar, 1 at the footer."""
    top, bottom = rect(kiosk, "header.bar")["bottom"], rect(kiosk, "footer.hint")["top"]
    box = rect(kiosk, css)
    return ((box["top"] + box["bottom"]) / 2 - top) / (bottom - top)


@pytest.mark.parametrize("size", BIG, ids=lambda s: f"{s[0]}x{s[1]}")
def test_on_a_big_kiosk_screen_each_step_sits_in_the_middle_and_the_keyboard_is_hand_sized(
    store_server: Any, browser: Any, screens: Path, size: tuple[int, int]
) -> None:
    width, height = size
    kiosk = Kiosk(screen_of(browser, width, height), store_server.kiosk_url())
    assert window_size(kiosk) == size
    where = f"{width}x{height}"
    middle = (0.3, 0.7)  # the centre of what the shopper reads is in the middle of the screen

    kiosk.tap("#tile-price")
    kiosk.until(lambda: kiosk.screen() == "check", "the price check")
    assert middle[0] <= middle_of(kiosk, ".scan-card") <= middle[1], "'hold the barcode under the scanner' mid-screen"

    kiosk.add_scanned(AQUA_330, "Rp 3.500")
    kiosk.scan(AQUA_330)
    kiosk.until(lambda: kiosk.screen() == "product", "the product")
    assert middle[0] <= middle_of(kiosk, "#product-card") <= middle[1], "the price mid-screen"
    assert rect(kiosk, "#product-price")["height"] >= 80, "the price is big enough to read from a step back"

    kiosk.tap("#cart-btn")
    kiosk.until(lambda: kiosk.d.find_elements(By.ID, "send-to-till"), "the cart")
    kiosk.d.save_screenshot(str(screens / f"kiosk-big-cart-{where}.png"))
    send = middle_of(kiosk, "#send-to-till")
    assert middle[0] <= send <= 0.8, f"'Kirim ke kasir' within reach, not at the top of a tall screen ({send:.2f})"

    kiosk.tap(".brand")
    kiosk.until(lambda: kiosk.screen() == "welcome", "the welcome screen")
    kiosk.tap("#tile-points")
    kiosk.until(lambda: kiosk.screen() == "points", "my points")
    assert middle[0] <= middle_of(kiosk, "#screen-points .soon") <= middle[1], "'scan your member QR' mid-screen"

    kiosk.tap(".brand")
    kiosk.until(lambda: kiosk.screen() == "welcome", "the welcome screen")
    kiosk.tap(".search-open")
    kiosk.until(lambda: kiosk.screen() == "search", "the search screen")
    field, keyboard = rect(kiosk, "#screen-search .search-field"), rect(kiosk, "#search-keyboard")
    kiosk.d.save_screenshot(str(screens / f"kiosk-big-search-{where}.png"))
    assert field["height"] <= 150, f"nothing typed yet: the field is one line, not a box {field['height']:.0f} px tall"
    assert keyboard["width"] <= 960, f"a keyboard a hand can span, not {keyboard['width']:.0f} px edge to edge"
    assert abs((keyboard["left"] + keyboard["right"]) / 2 - width / 2) <= 4, "the keyboard centred"
    key = rect(kiosk, "#search-keyboard [data-key='A']")
    assert key["width"] >= 64 and key["height"] >= 64, f"keys a thumb hits at arm's length: {key}"

    kiosk.tap(".brand")
    kiosk.until(lambda: kiosk.screen() == "welcome", "the welcome screen")
    kiosk.tap("#tile-online")
    kiosk.until(lambda: kiosk.screen() == "online", "the online cart code")
    assert middle[0] <= middle_of(kiosk, "#online-keyboard") <= 0.8, "the code's keyboard within reach"
    assert rect(kiosk, "#online-keyboard")["width"] <= 960
