"""A weighed product moved between stores on the manager's transfer screen: typed in kg like every stock form,
and totals that show items and kg apart, never added together (QA pass on weighed goods)."""

from __future__ import annotations

import re

from synckit import central, pg_url, sell_by_weight  # noqa: F401
from test_transfer_pages import AQUA_330_BARCODE, signed_in
from transferkit import AQUA_330, on_hand, pair  # noqa: F401

from tests.central.test_central_admin import admin  # noqa: F401

APEL = "SKU-W0003"  # Apel Fuji, sold by weight: its stock is grams


def history_cells(page: str) -> list[list[str]]:
    table = page[page.index('id="tbl-transfers"') :]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table[: table.index("</table>")], re.S)
    return [[c.strip() for c in re.findall(r"<td[^>]*>([^<]*)</td>", r)] for r in rows]


def test_a_weight_sent_in_kg_either_way_and_received_in_kg(central, pair, admin):  # noqa: F811
    a, b = pair
    sell_by_weight(central)  # central sells it by weight too
    screen_a, screen_b = signed_in(a.ctx), signed_in(b.ctx)
    apel, aqua = on_hand(a.ctx, APEL), on_hand(a.ctx, AQUA_330)
    lines = {"code_0": APEL, "qty_0": "2,5", "code_1": AQUA_330_BARCODE, "qty_1": "5"}
    sent = screen_a.post("/manager/transfers/new", {"mode": "send", "store": "TOKO-02", **lines})
    assert sent.status_code == 302 and on_hand(a.ctx, APEL) == apel - 2_500 and on_hand(a.ctx, AQUA_330) == aqua - 5
    dotted = screen_a.post(
        "/manager/transfers/new", {"mode": "send", "store": "TOKO-02", "code_0": APEL, "qty_0": "2.5"}
    )
    assert dotted.status_code == 302 and on_hand(a.ctx, APEL) == apel - 5_000  # "2.5" is 2,5 kg too, never 25 g
    page = screen_a.get("/manager/transfers?lang=en").get_data(as_text=True)
    quantities = [cells[6] for cells in history_cells(page) if cells]
    assert sorted(quantities) == ["2,500 kg", "5 · 2,500 kg"], quantities  # items and kg apart, never 2.505 or 30
    table = page[page.index('id="tbl-transfers"') :]
    assert re.search(r'<td class="num[^"]*">5 · 2,500 kg</td>', table), "right-aligned with the other figures"
    a.sync()
    b.sync()
    page = screen_b.get("/manager/transfers").get_data(as_text=True)
    assert 'value="2,500 kg"' in page  # what was sent, in kg, ready to confirm
    form = page[page.index('data-transfer="') :]
    transfer_id = form.split('data-transfer="')[1].split('"')[0]
    form = form[: form.index("</form>")]
    figures = {m[0]: m[1] for m in re.findall(r'name="qty:([^"]+)" value="([^"]+)"', form)}
    weighed = next(k for k, v in figures.items() if v.endswith("kg"))
    before = on_hand(b.ctx, APEL)
    done = screen_b.post(f"/manager/transfers/{transfer_id}/receive", {**figures, f"qty:{weighed}": "2,4"})
    assert done.status_code == 302 and on_hand(b.ctx, APEL) == before + 2_400
    # 100 g short: the open difference says it in kg on both screens, never "sent 2500, received 2400".
    for side, screen in ((b, screen_b), (a, screen_a)):
        side.sync()
        page = screen.get("/manager/transfers?lang=en").get_data(as_text=True)
        assert "Apel Fuji sent 2,500 kg, received 2,400 kg" in page, page[page.find("transfer-differences") :][:600]
    head_office = admin.get("/admin/transfers?lang=en").get_data(as_text=True)  # and at central, in kg too
    assert "Apel Fuji: sent 2,500 kg, received 2,400 kg" in head_office, "not sent 2500, received 2400"
    sheet = admin.get("/admin/transfers?format=csv").get_data(as_text=True)  # its CSV: kg beside a unit column
    assert ",SKU-W0003,Apel Fuji,kg,2.5,2.4,-0.1\r\n" in sheet, sheet
