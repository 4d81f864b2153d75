"""The manager's till shifts page: each shift with its drawer (expected, counted, the difference marked), the Z a
closed shift printed and the running X of an open one, a CSV in the page's language; managers only."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from test_manager_pages import AQUA_330, Browser

from pos.services import auth, checkout, refunds, shifts, till_sale
from pos.services.auth import Actor
from pos.services.context import StoreContext

MANAGER = {"staff_code": "9001", "pin": "4321"}


def _sell(store: StoreContext, actor: Actor, kind: str) -> dict[str, Any]:
    view, _ = till_sale.create_sale(store, actor)
    view = till_sale.add_line(store, actor, view["id"], barcode=AQUA_330, qty=2)  # 2 x Rp 3.500
    view = till_sale.add_tender(store, actor, view["id"], kind, view["total"])
    return checkout.complete(store, actor, view["id"])


def _cells(html: str, till: str) -> list[str]:
    """The texts of the cells of the shift table's row for `till`."""
    at = html.index(f">{till}</td>")
    row = html[html.rindex("<tr", 0, at) :]
    row = row[: row.index("</tr>")]
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def test_a_closed_shift_shows_its_cash_difference_and_its_z_and_an_open_one_its_running_figures(
    store: StoreContext, open_till: Actor
) -> None:
    from pos.web.app import create_app

    _sell(store, open_till, "cash")
    card = _sell(store, open_till, "card")
    refunds.refund(store, open_till, card["number"], [(card["lines"][0]["id"], 1)], MANAGER)  # Rp 3.500 to card
    shifts.close_shift(store, open_till, 206_050)  # 200.000 float + 7.000 cash sold, Rp 950 short
    t2 = auth.sign_in(store, "1002", "2345", "T2")[1]
    shifts.open_shift(store, t2, 150_000)
    _sell(store, t2, "cash")

    web = Browser(create_app(store.config, store.db))
    assert web.sign_in().status_code == 302
    page = web.get("/manager/shifts?lang=id").get_data(as_text=True)
    assert "1 shift ditutup dengan selisih kas" in page
    t1 = _cells(page, "T1")
    assert t1[0] == "T1" and t1[2] == "Siti Rahayu" and t1[4] == "Siti Rahayu"
    assert t1[5:] == ["2", "Rp 14.000", "Rp 3.500", "Rp 0", "Rp 0", "Rp 207.000", "Rp 206.050", "-Rp 950"]
    t2_row = _cells(page, "T2")
    assert t2_row[2] == "Budi Santoso" and t2_row[3] == "" and t2_row[-3:] == ["Rp 157.000", "", ""]

    # The T1 row's start time opens its Z report, as the till printed it.
    link = re.search(r'>T1</td>\s*<td><a href="(/manager/shifts/[^"]+)"', page)
    assert link is not None
    z = web.get(link.group(1) + "?lang=id").get_data(as_text=True)
    assert "Laporan Z · T1" in z
    assert re.search(r'id="counted-cash">Rp 206\.050<', z) and re.search(r'id="variance">-Rp 950<', z)
    assert re.search(r'data-refund-tender="card"><th>Kartu</th><td class="num neg">-Rp 3\.500<', z)
    running = web.get(re.findall(r'href="(/manager/shifts/[^"]+)"', page)[0] + "?lang=en").get_data(as_text=True)
    assert "X report · T2" in running and "still open" in running and 'id="variance"' not in running

    # CSV: the same rows, headed in the page's language, amounts as plain numbers.
    body = web.get("/manager/shifts.csv?lang=en").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [r["Till"] for r in rows] == ["T2", "T1"]
    assert rows[1]["Variance"] == "-950" and rows[1]["Counted cash"] == "206050"


def test_shifts_are_for_managers_and_a_bad_date_or_unknown_shift_is_said(store: StoreContext, open_till: Actor) -> None:
    from pos.web.app import create_app

    web = Browser(create_app(store.config, store.db))
    resp = web.get("/manager/shifts")
    assert resp.status_code == 302 and "/manager/sign-in" in resp.headers["Location"]
    web.sign_in("1001", "1234")  # a cashier
    assert web.get("/manager/shifts").status_code == 302
    web.sign_in()
    bad = web.get("/manager/shifts?from=2026-13-40&lang=en")
    assert bad.status_code == 422 and 'id="error"' in bad.get_data(as_text=True)
    assert web.get("/manager/shifts/not-a-shift?lang=en").status_code == 404
