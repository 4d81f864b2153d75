"""A manager working with weighed goods in the browser: the adjustment's before -> after preview reads kg as the
server does, in both languages (QA pass on weighed goods)."""

from __future__ import annotations

from typing import Any

import pytest
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
