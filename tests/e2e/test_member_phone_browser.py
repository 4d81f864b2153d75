"""The member pages (/join, the account) on a shopper's phone: nothing scrolls sideways, the way back to the shop."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from synckit import central, pg_url  # noqa: F401
from test_shop_phone_browser import phone

from central.services import loyalty
from central.web.loyalty_pages import account_url

LONG = "Dewi" + "Sekar" * 15  # 79 letters and no space: a name typed without spaces, or a family name run on


def _account(central: Any, name: str, phone_no: str) -> str:
    view = loyalty.sign_up(central.ctx, name, phone_no)
    with central.extra["app"].test_request_context():
        return central.url + account_url(view)


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
@pytest.mark.parametrize("name, phone_no", [(LONG, "0812 5550 1001"), ("Dewi 🌸 Sekar", "0812 5550 1002")])
def test_a_long_name_on_the_account_page_wraps_instead_of_scrolling_the_phone_sideways(
    central: Any, browser: Any, screens: Path, name: str, phone_no: str
) -> None:
    page = phone(browser, 390)
    page.d.get(_account(central, name, phone_no))
    page.until(lambda: page.d.find_elements(By.ID, "account"), "the account page")
    assert page.d.execute_script("return document.documentElement.scrollWidth") <= 390, "no sideways scrolling"
    heading = page.d.find_element(By.CSS_SELECTOR, "#account h1")
    assert heading.text.replace("\n", "") == name, "the whole name is there"
    page.d.save_screenshot(str(screens / f"member-account-phone-{phone_no[-1]}.png"))


def _size(page: Any, css: str) -> list[tuple[int, int]]:
    return [(int(e.rect["width"]), int(e.rect["height"])) for e in page.d.find_elements(By.CSS_SELECTOR, css)]


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
def test_the_shop_leads_to_the_member_pages_and_back_with_language_links_a_thumb_can_tap(
    central: Any, browser: Any, screens: Path
) -> None:
    page = phone(browser, 390)
    page.d.get(f"{central.url}/shop/")
    page.tap("#member-link")
    page.until(lambda: page.d.current_url.endswith("/join"), "the shop leads to the member pages")
    sizes = _size(page, "header .lang a")
    assert len(sizes) == 2 and all(w >= 44 and h >= 44 for w, h in sizes), sizes
    assert page.d.execute_script("return document.documentElement.scrollWidth") <= 390, "no sideways scrolling"
    page.d.save_screenshot(str(screens / "member-join-phone.png"))
    page.tap("header .lang a:last-child")
    page.until(lambda: page.text("h1") == "Join", "the page in English")
    page.tap("#shop-link")
    page.until(lambda: page.d.find_elements(By.CSS_SELECTOR, "article.product"), "back in the shop")
    assert "Online Shop" in page.text("h1"), "the shop keeps the language chosen on the member page"


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
def test_the_member_history_dates_read_day_month_year_with_slashes(central: Any, browser: Any) -> None:
    from test_central_member_browser import member_with_history

    m = member_with_history(central.ctx)
    with central.extra["app"].test_request_context():
        url = central.url + account_url(m)
    page = phone(browser, 390)
    page.d.get(url)
    page.until(lambda: page.d.find_elements(By.CSS_SELECTOR, "#history tbody tr"), "the history")
    dates = [td.text for td in page.d.find_elements(By.CSS_SELECTOR, "#history tbody td:first-child")]
    assert dates and all(re.fullmatch(r"\d\d/\d\d/20\d\d \d\d:\d\d", d) for d in dates), dates
