"""A manager working with weighed goods in the browser: the adjustment's before -> after preview reads kg as the
server does, and who else has the product shows kg, in both languages (QA pass on weighed goods)."""

from __future__ import annotations

from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select
from test_manager_browser import Page

APEL = "SKU-W0003"  # Apel Fuji, sold by weight


@pytest.mark.parametrize(("lang", "typed", "damaged"), [("id", "1,5", "Rusak"), ("en", "1.5", "Damaged")])
def test_the_adjustment_preview_takes_kg_off_a_weighed_product(
    store_server: Any, browser: Any, lang: str, typed: str, damaged: str
) -> None:
    page = Page(browser(), store_server.url)
    page.go(f"/manager/stock/item/{APEL}?lang={lang}")
    page.sign_in("9001", "4321")
    page.until(lambda: page.el("#adjust-form"), "the product page shows its adjustment form")
    before = page.text("#adjust-form .preview b")
    assert before.endswith(" kg") and "," in before  # e.g. "24,975 kg" in either language
    grams = int(before[:-3].replace(",", ""))
    page.el("#adjust-form input[name=qty]").send_keys(typed)
    Select(page.el("#adjust-form select[name=reason]")).select_by_visible_text(f"{damaged} (−)")
    want = f"{(grams - 1_500) // 1000},{(grams - 1_500) % 1000:03d} kg"
    page.until(lambda: page.text("#adjust-form .after") == want, f"the preview says {want}")


def test_who_else_has_a_weighed_product_says_kg_as_the_tile_above(store_server: Any, browser: Any) -> None:
    page = Page(browser(), store_server.url)
    page.go(f"/manager/stock/item/{APEL}?lang=en")
    page.sign_in("9001", "4321")
    page.until(lambda: page.el("#elsewhere div").text not in ("", "…"), "the answer (offline here) is shown")
    answer = {  # what central answers for a weighed product: grams at each place
        "measure": "weight",
        "online": True,
        "locations": [{"name": "Omnitoko Depok", "on_hand": 59_000, "neighbour": True}],
    }
    page.d.execute_async_script(  # the page's own renderer, on that answer
        "const [src, a, done] = arguments;"
        "import(src).then((m) => { m.renderElsewhere(document.querySelector('#elsewhere div'), a); done(); });",
        f"{store_server.url}/static/pos/stock_elsewhere.js",
        answer,
    )
    assert page.d.find_element(By.CSS_SELECTOR, "#elsewhere li").text == "Omnitoko Depok 59,000 kg"
