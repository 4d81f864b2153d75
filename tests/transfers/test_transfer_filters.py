"""Head office narrows its transfers (`/admin/transfers`): by store (sending or receiving), state, the shop's days
(WIB) and product, a page of 50 at a time with how many match; the CSV link carries the same filters and holds every
transfer that matches, in the page's order. A filter it cannot use is a 400 in the admin's words; a store's token
reaches none of it."""

from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest
from synckit import central, pg_url  # noqa: F401

from central.services import stores
from central.tables import ReconciliationItem, Transfer, TransferLine
from central.tables.base import new_id
from tests.central.test_central_admin import admin  # noqa: F401

# Air Mineral Aqua 330ml, Aqua 600ml, Aqua 1500ml, Le Minerale 330ml
AQUA, AQUA_600, AQUA_1500, LE_330 = "SKU-00001", "SKU-00002", "SKU-00003", "SKU-00004"


def add(
    central: Any,
    frm: str,
    to: str,
    status: str,
    sent: datetime | None,
    sku: str,
    difference: str | None = None,
    requested: datetime | None = None,
) -> str:
    """A transfer as central holds it (times in UTC); `difference`: "open" or "settled" for a short receipt."""
    t = Transfer(id=str(uuid.uuid4()), from_store=frm, to_store=to, status=status, note=None)
    t.requested_at, t.sent_at, t.updated_at = requested, sent, sent or requested
    t.received_at = sent + timedelta(hours=5) if sent and status == "received" else None
    got = (4 if difference else 5) if status == "received" else None
    rows: list[Any] = [
        t,
        TransferLine(id=new_id(), transfer_id=t.id, sku=sku, requested=5, sent=sent and 5, received=got),
    ]
    if difference:
        settled = sent + timedelta(days=1) if difference == "settled" and sent else None
        rows.append(
            ReconciliationItem(
                id=new_id(), kind="transfer_difference", location=to, ref_id=t.id, message="short", resolved_at=settled
            )
        )
    with central.ctx.db.sessions() as s, s.begin():
        s.add_all(rows)
    return t.id


@pytest.fixture
def chain(central: Any) -> dict[str, str]:
    """Six transfers between three stores; the names say what each is."""
    stores.add_store(central.ctx, "TOKO-02", "Omnitoko Depok")
    stores.add_store(central.ctx, "TOKO-03", "Omnitoko Bogor")
    day = datetime(2026, 11, 28, 3, 0)  # 10:00 WIB
    return {
        "moving": add(central, "TOKO-01", "TOKO-02", "sent", datetime(2026, 11, 30, 16, 30), AQUA),  # 23:30 WIB 30/11
        # 00:30 WIB on 1 December: 30 November in UTC, the shop's 1 December
        "short": add(central, "TOKO-02", "TOKO-01", "received", datetime(2026, 11, 30, 17, 30), AQUA_600, "open"),
        "whole": add(central, "TOKO-01", "TOKO-03", "received", datetime(2026, 12, 2, 3), AQUA),
        "asked": add(central, "TOKO-03", "TOKO-02", "requested", None, AQUA_1500, requested=datetime(2026, 12, 3, 3)),
        "declined": add(central, "TOKO-02", "TOKO-03", "declined", None, AQUA_600, requested=datetime(2026, 12, 4, 3)),
        "settled": add(central, "TOKO-02", "TOKO-03", "received", day, LE_330, "settled"),
    }


def listed(admin: Any, query: str) -> list[str]:
    resp = admin.get(f"/admin/transfers?{query}")
    assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
    return re.findall(r'<tr data-transfer="([^"]+)"', resp.get_data(as_text=True))


def sheet(admin: Any, query: str) -> list[list[str]]:
    resp = admin.get(f"/admin/transfers?{query}&format=csv" if query else "/admin/transfers?format=csv")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(resp.get_data(as_text=True).lstrip("\ufeff"))))[1:]


def test_each_filter_narrows_the_transfers_as_head_office_expects(admin, chain):
    c = chain
    assert listed(admin, "") == [c["short"], c["moving"]], "by default what needs someone, newest first"
    assert listed(admin, "status=all") == [c[k] for k in ("declined", "asked", "whole", "short", "moving", "settled")]
    assert listed(admin, "status=difference") == [c["short"]]
    assert listed(admin, "status=sent") == [c["moving"]]
    assert listed(admin, "status=received") == [c["whole"], c["settled"]], "a settled difference is received"
    assert listed(admin, "status=requested") == [c["asked"]] and listed(admin, "status=declined") == [c["declined"]]
    assert listed(admin, "status=all&store=TOKO-03") == [c[k] for k in ("declined", "asked", "whole", "settled")]
    assert listed(admin, "status=all&store=toko-03") == listed(admin, "status=all&store=TOKO-03"), "typed in lower case"
    # The shop's days (WIB): sent at 00:30 WIB on 1 December is the 1st, though it is still 30 November in UTC.
    assert listed(admin, "status=all&from=2026-12-01&to=2026-12-01") == [c["short"]]
    assert listed(admin, "status=all&from=01/12/2026&to=1/12/2026") == [c["short"]], "as people type a day"
    assert listed(admin, "status=all&to=2026-11-30") == [c["moving"], c["settled"]]
    assert listed(admin, "status=all&from=2026-12-03") == [c["declined"], c["asked"]], "not sent: the day asked"
    assert listed(admin, "status=all&product=aqua+330") == [c["whole"], c["moving"]], "by the product's name"
    assert listed(admin, "status=all&product=SKU-00003") == [c["asked"]], "by its SKU"
    combined = "status=all&store=TOKO-01&product=330ml&from=2026-12-01&to=2026-12-31"
    assert listed(admin, combined) == [c["whole"]]
    assert listed(admin, "status=all&product=no+such+thing") == []
    page = admin.get("/admin/transfers?status=all&product=no+such+thing&lang=en").get_data(as_text=True)
    assert "No transfer matches." in page and 'value="no such thing"' in page, "the filter stays to change"


def test_the_csv_link_carries_the_filters_and_holds_what_the_page_lists(admin, chain):
    for query in ("", "status=all", "status=all&store=TOKO-03", "status=received", "status=all&product=600ml"):
        page = admin.get(f"/admin/transfers?{query}").get_data(as_text=True)
        link = re.search(r'id="transfers-csv" href="([^"]+)"', page).group(1).replace("&amp;", "&")
        for part in filter(None, query.split("&")):
            assert part in link, (part, link)
        shown = [t[:8].upper() for t in listed(admin, query)]
        assert [r[0] for r in sheet(admin, query)] == shown, query  # one product each: one row each
    rows = sheet(admin, "status=all&store=TOKO-03")
    assert [r[1] for r in rows] == ["declined", "requested", "received", "received"]
    assert rows[1][2:4] == ["Omnitoko Bogor", "Omnitoko Depok"] and rows[1][4] == "", "asked for, not sent yet"
    page = admin.get("/admin/transfers?status=requested&lang=en").get_data(as_text=True)
    asked = page[page.index(f'data-transfer="{chain["asked"]}"') :].split("</tr>")[0]
    assert "asked for 03/12/2026 10:00 WIB" in asked and "Air Mineral Aqua 1500ml: 5" in asked
    assert '<td class="num">5</td>' in asked, "the units asked for"


def test_a_long_list_is_paged_with_its_count_and_the_csv_holds_every_page(admin, central):
    start = datetime(2026, 10, 1, 3)
    made = [add(central, "TOKO-01", "TOKO-01", "sent", start + timedelta(hours=i), AQUA) for i in range(120)]
    newest_first = made[::-1]
    first = admin.get("/admin/transfers?lang=en").get_data(as_text=True)
    assert "1–50 of 120 transfers" in first and "Page 1 of 3" in first
    assert 'id="transfers-next" href="/admin/transfers?page=2"' in first
    pages = [listed(admin, f"page={n}") for n in (1, 2, 3)]
    assert [len(p) for p in pages] == [50, 50, 20] and sum(pages, []) == newest_first
    last = admin.get("/admin/transfers?page=3&lang=id").get_data(as_text=True)
    assert "101–120 dari 120 transfer" in last and "transfers-next" not in last and "transfers-prev" in last
    assert [r[0] for r in sheet(admin, "")] == [t[:8].upper() for t in newest_first], "every page, in order"
    beyond = admin.get("/admin/transfers?page=9&lang=en").get_data(as_text=True)
    assert "This page is empty: 120 transfers match" in beyond


@pytest.mark.parametrize(
    ("query", "english", "indonesian"),
    [
        ("status=lost", "Choose a state from the list.", "Pilih status dari daftar."),
        ("from=2026-13-01", "Not a valid date: type it as 23/11/2026.", "Tanggal tidak valid: tulis seperti"),
        ("from=31/02/2026", "Not a valid date", "Tanggal tidak valid"),
        ("from=1-2-3", "Not a valid date", "Tanggal tidak valid"),
        ("from=0001-01-01", "Not a valid date", "Tanggal tidak valid"),
        ("to=9999-12-31", "Not a valid date", "Tanggal tidak valid"),
        ("from=2026-12-05&to=2026-12-01", "The first day comes after the last.", "Tanggal awal setelah tanggal akhir."),
        ("page=0", "The page number is a whole number from 1 to 100.000.", "bilangan bulat 1 sampai 100.000"),
        ("page=abc", "The page number is a whole number", "Nomor halaman"),
        ("page=" + "9" * 40, "The page number is a whole number", "Nomor halaman"),
        ("page=%D9%A3", "The page number is a whole number", "Nomor halaman"),  # an Arabic-Indic 3
        ("store=TOKO-99", "Store TOKO-99 is not known", "Toko TOKO-99 tidak dikenal"),
        ("product=" + "x" * 81, "Type at most 80 characters in each filter.", "paling banyak 80 karakter"),
        ("store=" + "T" * 5000, "Type at most 80 characters in each filter.", "paling banyak 80 karakter"),
    ],
)
def test_a_filter_it_cannot_use_is_a_400_in_the_admins_words(admin, central, query, english, indonesian):
    for lang, words in (("en", english), ("id", indonesian)):
        for fmt in ("", "&format=csv"):
            resp = admin.get(f"/admin/transfers?{query}&lang={lang}{fmt}")
            page = resp.get_data(as_text=True)
            assert resp.status_code == 400 and resp.mimetype == "text/html", (query, fmt)
            assert words in page and 'id="transfers-error"' in page and 'id="transfers"' not in page, query


def test_a_store_token_or_no_sign_in_reaches_no_transfer_list(central, chain):
    anyone = central.extra["app"].test_client()
    for path in ("/admin/transfers?status=all", "/admin/transfers?status=all&format=csv"):
        resp = anyone.get(path, headers={"Authorization": f"Bearer {central.token}"})
        assert resp.status_code == 302 and "/admin/login" in resp.headers["Location"]
        assert chain["moving"][:8].upper() not in resp.get_data(as_text=True)
