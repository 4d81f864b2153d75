"""An online order handed over at the till right after a paid sale: the hand-over is its own thing, and the till
never shows the paid sale's lines and total again as if they were open (a tester saw them after Esc on the paid
screen, then the order's code). The sequences a cashier goes through around it: the code without Esc, Esc then a
product (a new sale), a parked sale resumed then a code (the resumed sale stays as it is)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from selenium.webdriver.common.keys import Keys
from test_manager_browser import store_beside
from test_online_orders_browser import events, feed_order
from test_till_browser import AQUA_330, POCARI, TEH_KOTAK, Till

ORDER_LINES = [("SKU-00002", "Air Mineral Aqua 600ml", 1, 4_500)]


def signed_in_with_orders(store_server: Any, browser: Any, tmp_path: Path, orders: dict[str, str]) -> tuple[Any, Till]:
    """Packed pickup orders (number: code) waiting at the store, a signed-in till that lists them, and a sale of
    Aqua 330ml and Pocari Sweat (Rp 11.000) under way."""
    ctx = store_beside(tmp_path)
    for number, code in orders.items():
        feed_order(ctx, number, code, ORDER_LINES, "packed")
    till = Till(browser(), store_server)
    till.open()
    till.sign_in_and_open_shift()
    till.until(lambda: all(n in till.text("kiosk-carts") for n in orders), "the till shows the orders waiting")
    till.scan(AQUA_330, 1)
    till.scan(POCARI, 2)
    return ctx, till


def paid_cash(till: Till, given: str, change: str) -> None:
    """F12, the cash given, Enter: the paid screen with the change."""
    till.keys(Keys.F12)
    till.until(lambda: till.focused_id() == "pay-given", "the pay dialog takes the cash given")
    till.keys(given, Keys.ENTER)
    till.until(lambda: till.shown("paid-panel") and till.text("paid-change") == change, "paid: the change shows")


def empty_screen(till: Till) -> bool:
    """No sale's lines or total on screen, the paid panel put away, the scan field ready."""
    return (
        till.line_count() == 0
        and till.text("total") == "Rp 0"
        and not till.shown("paid-panel")
        and till.sale_state() != "completed"
        and till.focused_id() == "scan"
    )


def test_esc_on_the_paid_screen_then_an_order_code_shows_the_hand_over_and_a_clean_next_sale(
    store_server: Any, browser: Any, tmp_path: Path
) -> None:
    ctx, till = signed_in_with_orders(
        store_server, browser, tmp_path, {"OT-S55596-1": "S55-596", "OT-T66H7K-1": "T66-H7K"}
    )

    # The reported sequence: a paid sale, Esc, then the order's code typed as the demo prints it.
    paid_cash(till, "20000", "Rp 9.000")
    till.keys(Keys.ESCAPE)
    till.until(lambda: not till.shown("paid-panel"), "Esc puts the change away")
    assert empty_screen(till), "Esc on the paid screen leaves a clean screen, not the paid sale's lines"
    till.keys("S55-596", Keys.ENTER)
    till.until(lambda: "Pesanan online OT-S55596-1 diserahkan" in till.text("message"), "the till hands it over")
    assert empty_screen(till), "after the hand-over: no paid sale's lines or total"
    assert events(ctx)[-1] == "online_order.handed_over"

    # Then the next shopper's item starts a new sale of its own.
    till.scan(TEH_KOTAK, 1)
    assert till.line_names() == ["Teh Botol Sosro Kotak 250ml"]
    assert till.text("total") == "Rp 4.000"
    assert till.sale_state() == "open"

    # The paid screen and the order's QR straight away, without Esc: the hand-over's word, and a clean screen.
    paid_cash(till, "5000", "Rp 1.000")
    till.keys("OO1.T66H7K", Keys.ENTER)
    till.until(lambda: "Pesanan online OT-T66H7K-1 diserahkan" in till.text("message"), "the till hands it over")
    till.until(lambda: empty_screen(till), "the last customer's change goes; no paid sale comes back")
    till.keys(Keys.ESCAPE)
    assert empty_screen(till), "Esc after the hand-over still shows no paid sale"
    till.scan(AQUA_330, 1)
    assert till.line_names() == ["Air Mineral Aqua 330ml"]
    assert till.text("total") == "Rp 3.500"
    ctx.db.dispose()


def test_esc_on_the_paid_screen_then_a_product_starts_a_new_sale(store_server: Any, browser: Any) -> None:
    till = Till(browser(), store_server)
    till.open()
    till.sign_in_and_open_shift()
    till.scan(AQUA_330, 1)
    paid_cash(till, "5000", "Rp 1.500")
    till.keys(Keys.ESCAPE)
    till.until(lambda: empty_screen(till), "Esc: a clean screen")
    till.scan(POCARI, 1)
    assert till.line_names() == ["Pocari Sweat 350ml"]
    assert till.text("total") == "Rp 7.500"
    assert till.sale_state() == "open"
    till.keys(Keys.ESCAPE)
    assert till.line_count() == 1, "Esc on an open sale clears only what was typed"


def test_a_parked_sale_resumed_then_an_order_code_keeps_the_resumed_sale(
    store_server: Any, browser: Any, tmp_path: Path
) -> None:
    ctx, till = signed_in_with_orders(store_server, browser, tmp_path, {"OT-U77J8M-1": "U77-J8M"})
    till.keys(Keys.F8)
    till.until(lambda: till.focused_id() != "scan" and till.shown("modal"), "F8: park or resume")
    till.keys("p")
    till.until(lambda: till.line_count() == 0 and not till.shown("modal"), "parked")

    # Another shopper pays, then the parked sale comes back, then a third collects an online order.
    till.scan(TEH_KOTAK, 1)
    paid_cash(till, "4000", "Rp 0")
    till.keys(Keys.F8)
    till.until(lambda: "Rp 11.000" in till.text("parked"), "the parked sale is listed")
    till.keys(Keys.ENTER)
    till.until(lambda: till.line_count() == 2 and not till.shown("paid-panel"), "resumed")
    # The code, then a scan straight away (the hand-over's answer held back a little): the scan waits its turn in
    # the till's queue, so the hand-over's word shows before the scanned line, and neither draws over the other.
    watch_order(till, "Pesanan online OT-U77J8M-1 diserahkan", "Teh Botol Sosro Kotak 250ml")
    till.keys("u77j8m", Keys.ENTER)
    till.keys(TEH_KOTAK, Keys.ENTER)
    till.until(lambda: till.line_count() == 3, "the scan after the hand-over is added")
    assert till.d.execute_script("return window.__seen") == ["handed over", "line"]
    assert events(ctx)[-1] == "online_order.handed_over"
    assert till.line_names() == ["Air Mineral Aqua 330ml", "Pocari Sweat 350ml", "Teh Botol Sosro Kotak 250ml"]
    assert till.text("total") == "Rp 15.000"
    assert till.sale_state() == "open"
    assert not till.shown("paid-panel")
    ctx.db.dispose()


def watch_order(till: Till, handed: str, line: str) -> None:
    """Record (window.__seen) whether the hand-over's word or the scanned line shows first. The hand-over's answer
    is held until the line shows, or half a second: a scan that does not wait for the hand-over is drawn first."""
    till.d.execute_script(
        """
        const [handed, line] = arguments;
        const seen = (window.__seen = []);
        let release = () => {};
        const real = window.fetch;
        window.fetch = function (url, init) {
          const answer = real.call(this, url, init);
          if (!String(url).includes("/online-orders/handover")) return answer;
          return new Promise((resolve) => {
            release = () => resolve(answer);
            setTimeout(release, 500);
          });
        };
        new MutationObserver(() => {
          const said = document.getElementById("message").textContent;
          if (!seen.includes("handed over") && said.includes(handed)) seen.push("handed over");
          const names = [...document.querySelectorAll("#lines .line-name")].map((e) => e.textContent);
          if (!seen.includes("line") && names.includes(line)) {
            seen.push("line");
            release();
          }
        }).observe(document.body, { subtree: true, childList: true, characterData: true });
        """,
        handed,
        line,
    )
