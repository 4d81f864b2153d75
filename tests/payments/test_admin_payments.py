"""The admin's online payments page: a paid order refunded in part from it, payment alerts listed, no key."""

from __future__ import annotations

import re

import pytest
from orderkit import pay_order
from paykit import AQUA_330, admin, csrf, new_cart, payment, post_notify, standin, start  # noqa: F401
from synckit import central, pg_url  # noqa: F401


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
def test_the_admin_refunds_part_of_a_paid_order_and_sees_the_alerts(central, standin, admin):  # type: ignore[no-untyped-def]
    assert central.extra["app"].test_client().get("/admin/payments").status_code == 302  # signed out: to sign-in
    cart = new_cart(central.ctx, [(AQUA_330, 2)])
    view = start(central, cart["id"])
    standin.press(view["redirect_url"], "pay")
    post_notify(central, {"order_id": view["order_id"], "signature_key": "forged"})
    page = admin.get("/admin/payments").get_data(as_text=True)
    assert f'data-order="{view["order_id"]}" data-status="settlement"' in page
    assert 'data-kind="payment_forged"' in page and standin.key not in page
    done = admin.post(
        f"/admin/payments/{view['id']}/refund",
        data={"amount": "3500", "reason": "one bottle broken", "csrf_token": csrf(page)},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert f'data-order="{view["order_id"]}" data-status="partial_refund"' in done
    assert payment(central, view["order_id"]).refunded == 3_500
    too_much = admin.post(
        f"/admin/payments/{view['id']}/refund",
        data={"amount": "9000", "reason": "again", "csrf_token": csrf(done)},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Rp 1 sampai Rp 3.500" in too_much and payment(central, view["order_id"]).refunded == 3_500


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
def test_each_payment_says_which_store_fulfils_its_order_and_how_far_it_got(central, standin, admin):  # type: ignore[no-untyped-def]
    paid = pay_order(central, standin, [(AQUA_330, 2)])  # pick-up at TOKO-01
    cell = re.search(
        rf'data-order="{paid["order_id"]}".*?<td data-fulfilment="([a-z]*)">([^<]*)</td>',
        admin.get("/admin/payments").get_data(as_text=True),
        re.S,
    )
    assert cell is not None and cell.groups() == ("assigned", "Menunggu toko · diambil di Omnitoko Kemang")
    english = admin.get("/admin/payments?lang=en").get_data(as_text=True)
    assert "Waiting for the store · pick-up at Omnitoko Kemang" in english
    for page in (admin.get("/admin/payments?lang=id"), admin.get("/admin/payments?lang=en")):
        head = re.search(r'<table id="payments">\s*(?:<tbody>)?\s*<tr>(.*?)</tr>', page.get_data(as_text=True), re.S)
        names = [h for h in re.findall(r"<th[^>]*>([^<]*)</th>", head.group(1)) if h]  # type: ignore[union-attr]
        assert len(names) == len(set(names)), f"two columns called the same: {names}"


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
def test_a_refund_asks_first_and_a_payment_alert_on_the_indonesian_page_is_in_indonesian(central, standin, admin):  # type: ignore[no-untyped-def]
    paid = pay_order(central, standin, [(AQUA_330, 2)])
    post_notify(central, {"order_id": paid["order_id"], "signature_key": "forged"})
    page = admin.get("/admin/payments?lang=id").get_data(as_text=True)
    form = re.search(r'<form[^>]*action="/admin/payments/[^"]+/refund"[^>]*>', page)
    assert form is not None and 'data-confirm="' in form.group(0)  # asked by static/central/admin.js
    assert f'data-confirm="Kembalikan dana pesanan {paid["order_id"]} ke pembeli lewat gateway?' in form.group(0)
    alerts = re.search(r'<table id="payment-alerts">.*?</table>', page, re.S)
    assert alerts is not None and "notifikasi palsu" in alerts.group(0)
    shown = re.sub(r"<details>.*?</details>", "", alerts.group(0), flags=re.S)
    assert "signature" not in shown and "order" not in re.sub(r"<[^>]+>", " ", shown)  # central's English waits


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
def test_the_admin_refunds_a_delivered_order_s_fee_alone_and_its_points_stay(central, standin, admin):  # type: ignore[no-untyped-def]
    from synckit import stock_up

    from central.services import loyalty
    from central.services.fulfilment import Choice
    from central.services.payments import start as start_with
    from central.tables import Member

    stock_up(central)
    m = loyalty.sign_up(central.ctx, "Budi Santoso", "081234567890", None, "online")
    cart = new_cart(central.ctx, [(AQUA_330, 30)])  # Rp 105.000 of goods (10 points) and the Rp 15.000 fee
    view = start_with(
        central.ctx, cart["id"], central.url + "/b", Choice("delivery", None, "Budi", "Jl. Kemang 1"), m["id"]
    )
    standin.press(view["redirect_url"], "pay")
    english = admin.get("/admin/payments?lang=en").get_data(as_text=True)
    assert '<option value="fee">delivery fee only (Rp 15.000; no points)</option>' in english
    refused = admin.post(
        f"/admin/payments/{view['id']}/refund?lang=id",
        data={"amount": "20000", "reason": "terlambat", "part": "fee", "csrf_token": csrf(english)},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Pengembalian ongkos kirim bisa Rp 1 sampai Rp 15.000" in refused
    admin.post(
        f"/admin/payments/{view['id']}/refund",
        data={"amount": "15000", "reason": "terlambat", "part": "fee", "csrf_token": csrf(refused)},
        follow_redirects=True,
    )
    assert payment(central, view["order_id"]).refunded == 15_000
    with central.ctx.db.sessions() as s:
        assert s.get_one(Member, m["id"]).balance == 10, "the fee earned no points: none taken back"


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
def test_a_refused_refund_keeps_the_amount_and_reason_typed_in_that_payments_form(central, standin, admin):  # type: ignore[no-untyped-def]
    paid = pay_order(central, standin, [(AQUA_330, 2)])
    page = admin.get("/admin/payments?lang=id").get_data(as_text=True)
    action = re.search(r'action="(/admin/payments/[^"]+/refund)"', page).group(1)  # type: ignore[union-attr]
    refused = admin.post(action, data={"amount": "99000", "reason": "botol pecah satu", "csrf_token": csrf(page)})
    html = refused.get_data(as_text=True)
    assert refused.status_code in (400, 409, 422) and "Rp 1 sampai" in html
    form = html[html.index(f'data-order="{paid["order_id"]}"') :]
    form = form[: form.index("</form>")]
    assert 'value="99000"' in form and 'value="botol pecah satu"' in form  # to correct, not to type again
    assert payment(central, paid["order_id"]).refunded == 0


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
def test_the_payments_table_downloads_as_csv_in_the_admins_words(central, standin, admin):  # type: ignore[no-untyped-def]
    paid = pay_order(central, standin, [(AQUA_330, 2)])
    assert 'id="payments-csv"' in admin.get("/admin/payments?lang=id").get_data(as_text=True)
    sheet = admin.get("/admin/payments?format=csv")
    lines = sheet.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert sheet.mimetype == "text/csv" and "attachment" in sheet.headers["Content-Disposition"]
    assert lines[0] == "Pesanan,Status bayar,Jumlah,Dikembalikan,Status pesanan,Metode,Referensi gateway"
    assert lines[1].startswith(f"{paid['order_id']},lunas,7000,0,Menunggu toko · diambil di Omnitoko Kemang,")
