"""One language at a time: a screen in English shows no Indonesian text of its catalogs, and back in Indonesian no
English one, including what its scripts write (the printer and sync badges, toasts, the kiosk's tiles)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from test_online_orders_browser import packed_for_pickup
from test_till_browser import AQUA_330, Till

from common import i18n

# Every text node a person can see (inside an element that is rendered and not marked as the other language on
# purpose, like the kiosk's "Check a price" under "Cek harga"), and the placeholders of visible fields.
VISIBLE_TEXTS = """
const out = [];
const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
while (walk.nextNode()) {
  const node = walk.currentNode, el = node.parentElement, text = node.textContent.trim();
  if (!text || !el || el.closest("[data-i18n-alt], script, style, template")) continue;
  if (!el.getClientRects().length || getComputedStyle(el).visibility === "hidden") continue;
  out.push(text);
}
for (const f of document.querySelectorAll("input[placeholder]")) if (f.getClientRects().length) out.push(f.placeholder);
return out;
"""


def only_in(loc: str, *domains: str) -> list[re.Pattern[str]]:
    """Patterns for the texts of `domains` that exist only in `loc` ({placeholders} match any value)."""
    other = "en" if loc == "id" else "id"
    patterns = []
    for domain in domains:
        cat = i18n.catalog(domain)
        theirs = set(cat[other].values())
        for text in set(cat[loc].values()) - theirs:
            if len(re.sub(r"\{\w+\}", "", text).strip()) < 4:  # "{n} s", "OK": too short to tell languages apart
                continue
            parts = re.split(r"\{\w+\}", text)
            patterns.append(re.compile("^" + ".+?".join(re.escape(p) for p in parts) + "$"))
    return patterns


def foreign_words(driver: Any, patterns: list[re.Pattern[str]]) -> list[str]:
    shown = driver.execute_script(VISIBLE_TEXTS)
    return sorted({text for text in shown for p in patterns if p.match(text)})


def test_the_till_and_its_badges_speak_one_language_and_switch_in_place(store_server: Any, browser: Any) -> None:
    till = Till(browser(1366, 768), store_server)
    till.d.get(f"{store_server.url}/till?lang=id")
    till.sign_in_and_open_shift()
    till.scan(AQUA_330, 1)
    badge = '#status-badges [data-badge="printer_status"]'
    till.until(lambda: till.d.find_elements(By.CSS_SELECTOR, badge), "the printer badge arrives over Socket.IO")
    indonesian_badge = till.d.find_element(By.CSS_SELECTOR, badge).text
    assert indonesian_badge.startswith("Printer: ") and indonesian_badge in i18n.catalog("status")["id"].values()
    assert foreign_words(till.d, only_in("en", "pos", "status")) == []

    # The language key switches in place: the pushed badges are re-worded too, not only the page's own texts.
    till.d.execute_script("document.getElementById('lang-toggle').click()")
    till.until(lambda: till.d.execute_script("return document.documentElement.lang") == "en", "English now")
    till.until(lambda: till.d.find_element(By.CSS_SELECTOR, badge).text != indonesian_badge, "the badge follows")
    assert till.d.find_element(By.CSS_SELECTOR, badge).text in i18n.catalog("status")["en"].values()
    assert foreign_words(till.d, only_in("id", "pos", "status")) == []

    # A refusal from the server in English too (an unknown barcode), then the display in English.
    till.keys("8999999999994", Keys.ENTER)
    till.until(lambda: "not found" in till.text("message"), "the refusal in English")
    assert foreign_words(till.d, only_in("id", "pos", "status", "errors")) == []
    till.d.get(f"{store_server.url}/display/T1?lang=en")
    till.until(lambda: till.d.find_elements(By.CSS_SELECTOR, "[data-i18n]"), "the display is up")
    assert foreign_words(till.d, only_in("id", "pos")) == []


def test_the_kiosk_in_english_shows_no_indonesian_and_back(store_server: Any, browser: Any) -> None:
    d = browser(1280, 1024)
    store_server.open_kiosk(d, "lang=en")  # a paired kiosk (unpaired, the pairing dialog covers the page)
    till = Till(d, store_server)
    till.until(lambda: d.find_elements(By.CSS_SELECTOR, "#categories .category"), "the categories are drawn")
    till.until(lambda: "Kiosk paired." not in d.find_element(By.TAG_NAME, "body").text, "the pairing toast went")
    assert foreign_words(d, only_in("id", "kiosk")) == []
    d.find_element(By.CSS_SELECTOR, '[data-go="check"]').click()
    assert foreign_words(d, only_in("id", "kiosk")) == []
    d.find_element(By.CSS_SELECTOR, '[data-lang="id"]').click()
    till.until(lambda: d.execute_script("return document.documentElement.lang") == "id", "Indonesian again")
    assert foreign_words(d, only_in("en", "kiosk")) == []


def test_the_manager_screens_in_english_show_no_indonesian(store_server: Any, browser: Any) -> None:
    d = browser(1366, 900)
    till = Till(d, store_server)
    d.get(f"{store_server.url}/manager/stock?lang=en")
    till.until(lambda: till.focused_id() == "staff_code", "the sign-in form")
    till.keys("9001", Keys.TAB, "4321", Keys.ENTER)
    till.until(lambda: d.find_elements(By.CSS_SELECTOR, "table"), "the stock list")
    for path in ("/manager/stock", "/manager/counts", "/manager/reports", "/manager/audit", "/manager/sync"):
        d.get(f"{store_server.url}{path}")
        till.until(lambda: d.find_elements(By.CSS_SELECTOR, "main"), f"{path} is shown")
        assert foreign_words(d, only_in("id", "manager")) == [], path


def test_the_tills_messages_and_waiting_orders_switch_language_in_place_one_item_not_one_items(
    store_server: Any, browser: Any, tmp_path: Path
) -> None:
    packed_for_pickup(tmp_path, "OT-W2X34Y-1", "W2X-34Y")
    till = Till(browser(1366, 768), store_server)
    till.d.get(f"{store_server.url}/till?lang=id")
    till.sign_in_and_open_shift()
    till.until(lambda: "Pesanan online OT-W2X34Y-1 siap diambil" in till.text("kiosk-carts"), "the order waits")
    assert "1 barang" in till.text("kiosk-carts")

    # A copy of a receipt (F5, P, the manager's approval): the till says so in Indonesian...
    till.scan(AQUA_330, 1)
    till.keys(Keys.F12)
    till.until(lambda: till.focused_id() == "pay-given")
    till.keys(Keys.ENTER)
    till.until(lambda: till.shown("paid-panel"))
    number = till.text("paid-number")
    till.keys(Keys.F5)
    till.until(lambda: till.focused_id() == "tx-q" and number in till.text("tx-list"), "F5 lists the receipt")
    till.keys(number, Keys.ENTER)
    till.until(
        lambda: till.d.execute_script("return document.getElementById('dialog').className").endswith("tx-receipt"),
        "the receipt opens",
    )
    till.keys("p")
    till.until(lambda: till.focused_id() == "appr-code", "the reprint asks for the manager")
    till.keys("9001", Keys.ENTER, "4321", Keys.ENTER)
    till.until(lambda: f"Salinan struk {number}" in till.text("message"), "the copy went")
    till.keys(Keys.ESCAPE)  # Esc goes back one step at a time: the receipt list, then the sale
    till.until(lambda: till.focused_id() == "tx-q", "back on the receipt list")
    till.keys(Keys.ESCAPE)
    till.until(lambda: till.focused_id() == "scan", "back on the sale")

    # ... and in English once the till switches, with the waiting order and the page's titles.
    till.d.execute_script("document.getElementById('lang-toggle').click()")
    till.until(lambda: till.d.execute_script("return document.documentElement.lang") == "en", "English now")
    assert till.text("message") == f"A copy of receipt {number} went to the printer."
    assert "Online order OT-W2X34Y-1 ready for pickup" in till.text("kiosk-carts")
    assert "1 item " in till.text("kiosk-carts") + " " and "1 items" not in till.text("kiosk-carts")
    assert till.d.find_element(By.ID, "paid-receipt").get_attribute("title") == "Receipt no."
    assert foreign_words(till.d, only_in("id", "pos", "status")) == []

    # The order handed over (its QR scanned): one item, said in English, and in Indonesian after switching back.
    till.keys("OO1.W2X34Y", Keys.ENTER)
    till.until(lambda: "handed to the shopper" in till.text("message"), "handed over")
    assert till.text("message") == "Online order OT-W2X34Y-1 handed to the shopper (1 item)"
    till.d.execute_script("document.getElementById('lang-toggle').click()")
    till.until(lambda: till.d.execute_script("return document.documentElement.lang") == "id", "Indonesian again")
    assert till.text("message") == "Pesanan online OT-W2X34Y-1 diserahkan ke pembeli (1 barang)"
    assert foreign_words(till.d, only_in("en", "pos", "status")) == []
