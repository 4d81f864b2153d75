"""Head office types a multi-buy promotion ("Beli 2 gratis 1", "2 untuk Rp 10.000") in words; one a retailer would not
mean, or one naming a weighed product, is refused in the admin's language; the feed carries it as topic version 2."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
from sqlalchemy import select
from synckit import central, pg_url, sell_by_weight, signed_in_admin  # noqa: F401

from central.services import catalog
from central.tables.feed import Change
from common.errors import DomainError


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]


def _form(client, **typed: str) -> dict[str, str]:
    page = client.get("/admin/promotions").get_data(as_text=True)
    return {"csrf_token": _csrf(page), "name": "Beli 2 gratis 1", "skus": "SKU-00001", **typed}


def test_beli_2_gratis_1_and_2_untuk_rp_10000_are_typed_in_words_and_listed_as_deals(central):
    admin = signed_in_admin(central)
    page = unescape(admin.get("/admin/promotions").get_data(as_text=True))
    assert "Beli N gratis M" in page and "N untuk Rp X" in page
    free = _form(admin, kind="free", set_qty="2", value="1")
    assert admin.post("/admin/promotions", data=free).status_code == 302
    bundle = _form(admin, name="Hemat berdua", kind="bundle", set_qty="2", value="Rp 10.000")
    assert admin.post("/admin/promotions", data=bundle).status_code == 302
    saved = {p["kind"]: (p["set_qty"], p["value"]) for p in catalog.promotions(central.ctx)}
    assert saved == {"free": (3, 1), "bundle": (2, 10_000)}
    listed = unescape(admin.get("/admin/promotions").get_data(as_text=True))
    assert "Beli 2 Gratis 1" in listed and "2 untuk Rp 10.000" in listed


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ({"kind": "free", "set_qty": "0", "value": "1"}, "paling sedikit 1 untuk Beli N gratis M"),
        ({"kind": "free", "set_qty": "2", "value": "0"}, "Ketik M, jumlah barang gratis"),
        ({"kind": "free", "set_qty": "", "value": "1"}, "Ketik N sebagai jumlah barang"),
        ({"kind": "bundle", "set_qty": "1", "value": "5000"}, "paling sedikit 2 untuk N untuk Rp X"),
        ({"kind": "bundle", "set_qty": "2", "value": "0"}, "Ketik harga set dalam Rupiah"),
    ],
)
def test_a_multi_buy_a_retailer_would_not_mean_is_refused_in_words(central, typed, said):
    admin = signed_in_admin(central)
    refused = admin.post("/admin/promotions", data=_form(admin, **typed))
    assert refused.status_code == 422 and said in unescape(refused.get_data(as_text=True))
    assert catalog.promotions(central.ctx) == []


def test_a_multi_buy_naming_a_weighed_product_is_refused_in_both_languages(central):
    sell_by_weight(central)
    admin = signed_in_admin(central)
    typed = {"kind": "free", "set_qty": "2", "value": "1", "skus": "SKU-00001, SKU-W0003"}
    refused = unescape(admin.post("/admin/promotions", data=_form(admin, **typed)).get_data(as_text=True))
    assert "SKU-W0003 dijual per berat" in refused
    english = signed_in_admin(central, "en")
    said = unescape(english.post("/admin/promotions", data=_form(english, **typed)).data.decode())
    assert "SKU-W0003 is sold by weight" in said
    with pytest.raises(DomainError) as e:
        catalog.save_promotion(central.ctx, name="x", kind="bundle", value=5_000, skus=["SKU-W0003"], set_qty=2)
    assert e.value.code == "multi_buy_weighed" and catalog.promotions(central.ctx) == []


def test_the_feed_carries_a_multi_buy_s_value_where_an_old_agent_reads_no_discount(central):
    catalog.save_promotion(central.ctx, name="Hemat berdua", kind="bundle", value=10_000, skus=["SKU-00001"], set_qty=2)
    catalog.save_promotion(central.ctx, name="Potong", kind="amount", value=500, skus=["SKU-00002"], set_qty=7)
    with central.ctx.db.sessions() as s:
        stored = s.scalars(select(Change.data).where(Change.topic == "promotion"))
        rows = [d if isinstance(d, dict) else json.loads(d) for d in stored]
    by_kind = {d["kind"]: d for d in rows}
    assert (by_kind["bundle"]["value"], by_kind["bundle"]["set_qty"], by_kind["bundle"]["set_value"]) == (0, 2, 10_000)
    assert (by_kind["amount"]["value"], by_kind["amount"]["set_qty"], by_kind["amount"]["set_value"]) == (
        500,
        None,
        None,
    )


def _new_promotion_form(html: str) -> str:
    start = html.index('<form method="post" id="promotion-form">')
    return html[start : html.index("</form>", start)]


def _label(form: str, field: str) -> tuple[dict[str, str], str]:
    """A field's label: its words for each kind (for the page's script) and the words shown without the script."""
    found = re.search(rf'<label for="{field}" data-by-kind="([^"]+)">([^<]+)</label>', form)
    assert found, field
    return json.loads(unescape(found.group(1))), unescape(found.group(2))


@pytest.mark.parametrize(
    ("lang", "value_words", "set_words"),
    [
        (
            "id",
            {
                "percent": "Potongan (%)",
                "amount": "Potongan Rp per barang",
                "free": "Barang gratis dalam set (M)",
                "bundle": "Harga set (Rp X)",
            },
            ({"free": "Beli N (barang yang dibayar)", "bundle": "N (barang dalam satu set)"}, "N (beli N / N untuk)"),
        ),
        (
            "en",
            {
                "percent": "% off",
                "amount": "Rp off each item",
                "free": "Free items in the set (M)",
                "bundle": "Price of the set (Rp X)",
            },
            ({"free": "Buy N (items paid for)", "bundle": "N (items in one set)"}, "N (buy N / N for)"),
        ),
    ],
)
def test_the_form_words_its_value_by_kind_and_shows_the_set_size_for_multi_buys_only(
    central, lang, value_words, set_words
):
    admin = signed_in_admin(central, lang)
    page = admin.get("/admin/promotions").get_data(as_text=True)
    form = _new_promotion_form(page)
    assert re.findall(r'<option (?:selected )?value="(\w+)"', form) == ["percent", "amount", "free", "bundle"]
    assert '<select data-kind-switch="" id="kind" name="kind">' in form  # the choice the page's script follows
    # The set size and its note sit in a part for the multi-buys; the server never hides it (no script: it shows).
    part = re.search(r'<div id="multi-buy" data-kinds="([^"]+)">(.*?)</div>', form, re.S)
    assert part and set(part.group(1).split()) == {"free", "bundle"}
    assert 'name="set_qty"' in part.group(2) and 'id="multi-buy-note"' in part.group(2)
    assert not re.search(r"<[^>]*\shidden[\s=>]", form)  # no element hidden (type="hidden" is the CSRF token)
    # Each field's words for each kind, in the page's language; without the script the general words stay.
    assert _label(form, "value") == (value_words, {"id": "Nilai", "en": "Value"}[lang])
    assert _label(form, "set_qty") == set_words
    examples = re.search(r'data-placeholder-by-kind="([^"]+)"[^>]*id="value"', form)
    assert examples and set(json.loads(unescape(examples.group(1)))) == set(value_words)
    assert '<script type="module" src="/static/central/admin.js"></script>' in page
    script = admin.get("/static/central/admin.js")
    assert script.status_code == 200 and b"data-kind-switch" in script.data


def test_a_refused_multi_buy_comes_back_with_its_kind_and_set_size_kept(central):
    admin = signed_in_admin(central)
    refused = admin.post("/admin/promotions", data=_form(admin, kind="free", set_qty="0", value="1"))
    form = _new_promotion_form(refused.get_data(as_text=True))
    assert refused.status_code == 422 and '<option selected value="free">' in form
    assert re.search(r'<div id="multi-buy" data-kinds="[^"]+">.*name="set_qty"[^>]*value="0"', form, re.S)
    percent = _form(admin, kind="percent", set_qty="3", value="15")  # a set size typed, then the kind changed
    assert admin.post("/admin/promotions", data=percent).status_code == 302
    assert [(p["kind"], p["value"], p["set_qty"]) for p in catalog.promotions(central.ctx)] == [("percent", 1500, None)]


def _csv_rows(resp) -> list[list[str]]:
    import csv
    import io

    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(resp.get_data(as_text=True).lstrip("\ufeff"))))


def test_the_promotions_download_as_csv_in_the_admin_s_words_with_deals_dates_and_whether_ended(central):
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    now = central.ctx.clock()
    starts, ends = now - timedelta(days=2), now + timedelta(days=5)
    catalog.save_promotion(central.ctx, name="Diskon Aqua", kind="percent", value=1250, skus=["SKU-00001", "SKU-00002"])
    catalog.save_promotion(
        central.ctx, name="Beli 2 gratis 1", kind="free", value=1, set_qty=3, skus=["SKU-00003"], starts_at=starts
    )
    catalog.save_promotion(central.ctx, name="Rp off", kind="amount", value=500, skus=["SKU-00001"], ends_at=ends)
    catalog.save_promotion(central.ctx, name="=Lusa", kind="amount", value=200, skus=["SKU-00002"], starts_at=ends)
    catalog.save_promotion(
        central.ctx, name="Lewat", kind="amount", value=100, skus=["SKU-00002"], starts_at=starts, ends_at=now
    )
    stopped = catalog.save_promotion(central.ctx, name="Salah ketik", kind="amount", value=300, skus=["SKU-00001"])
    catalog.save_promotion(
        central.ctx, name="Salah ketik", kind="amount", value=300, skus=["SKU-00001"], active=False,
        promotion_id=stopped["id"],
    )  # fmt: skip
    names = dict((p["sku"], p["name"]) for p in (catalog.get_product(central.ctx, f"SKU-0000{i}") for i in (1, 2, 3)))
    zone = ZoneInfo(central.ctx.config.shop.timezone)

    def local(at: datetime) -> str:
        return at.replace(tzinfo=UTC).astimezone(zone).strftime("%Y-%m-%d %H:%M")

    admin = signed_in_admin(central)
    page = admin.get("/admin/promotions").get_data(as_text=True)
    assert 'id="promotions-csv" href="/admin/promotions?format=csv"' in page
    resp = admin.get("/admin/promotions?format=csv")
    assert resp.headers["Content-Disposition"].startswith('attachment; filename="promotions-')
    head, *rows = _csv_rows(resp)
    assert head == ["Nama", "Jenis", "Nilai", "Produk", "SKU", "Mulai", "Berakhir", "Status"]
    by_name = {r[0]: r for r in rows}
    assert len(rows) == 6 and set(by_name) == {
        "Diskon Aqua",
        "Beli 2 gratis 1",
        "Rp off",
        "'=Lusa",
        "Lewat",
        "Salah ketik",
    }
    assert by_name["Diskon Aqua"] == [
        "Diskon Aqua", "persen (%)", "12,5%", f"{names['SKU-00001']}, {names['SKU-00002']}", "SKU-00001, SKU-00002",
        "", "", "aktif",
    ]  # fmt: skip
    assert by_name["Beli 2 gratis 1"][1:3] == ["Beli N gratis M", "Beli 2 Gratis 1"]
    assert by_name["Beli 2 gratis 1"][5:] == [local(starts), "", "aktif"]
    assert by_name["Rp off"][2] == "Rp 500" and by_name["Rp off"][6:] == [local(ends), "aktif"]
    assert by_name["'=Lusa"][7] == "belum mulai", "not started yet; its name never runs as a formula"
    assert by_name["Lewat"][7] == "berakhir" and by_name["Salah ketik"][7] == "berakhir"
    head, *rows = _csv_rows(admin.get("/admin/promotions?format=csv&lang=en"))
    assert head == ["Name", "Kind", "Value", "Products", "SKU", "Starts", "Ends", "Status"]
    by_name = {r[0]: r for r in rows}
    assert by_name["Beli 2 gratis 1"][1:3] == ["Buy N get M free (Beli N gratis M)", "Buy 2 get 1 free"]
    assert [by_name[n][7] for n in ("Diskon Aqua", "'=Lusa", "Lewat")] == ["active", "not started yet", "ended"]
    signed_out = central.extra["app"].test_client().get("/admin/promotions?format=csv")
    assert signed_out.status_code == 302 and "/admin/login" in signed_out.headers["Location"]
