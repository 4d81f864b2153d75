"""The member QR as shoppers get it (the account page's PNG, the printed receipt) decodes with a real QR decoder
(zxing-cpp) to a payload the till accepts."""

from __future__ import annotations

import io
import re

import zxingcpp
from loyaltykit import new_member, use_test_key
from PIL import Image
from synckit import AQUA_330, agents, central, connect_store, pg_url, sync_until_clean  # noqa: F401

from central.web.loyalty_pages import account_key
from pos import bootstrap
from pos.adapters.printing import render_receipt
from pos.services import checkout, loyalty, till_sale
from pos.services.receipts import get_receipt


def raster_images(job: bytes) -> list[Image.Image]:
    """Every GS v 0 raster image in an ESC/POS job, as the printer would put it on paper."""
    out, at = [], 0
    while (at := job.find(b"\x1dv0", at)) >= 0:
        width_bytes = job[at + 4] | job[at + 5] << 8
        rows = job[at + 6] | job[at + 7] << 8
        data = job[at + 8 : at + 8 + width_bytes * rows]
        img = Image.frombytes("1", (width_bytes * 8, rows), bytes(b ^ 0xFF for b in data))
        out.append(img)
        at += 8 + len(data)
    return out


def decode(img: Image.Image) -> list[str]:
    framed = Image.new("L", (img.width + 80, img.height + 80), 255)
    framed.paste(img.convert("L"), (40, 40))
    return [r.text for r in zxingcpp.read_barcodes(framed)]


def test_the_qr_on_the_account_page_decodes_to_a_card_the_till_accepts(central, store, open_till, agents):
    use_test_key(central)
    connect_store(store, central)
    m = new_member(central, points=12)
    client = central.extra["app"].test_client()
    page = client.get(f"/account/{m['number']}?k={account_key_for(central, m['id'])}")
    assert page.status_code == 200 and "<svg" in page.get_data(as_text=True)
    png_url = re.search(r'href="([^"]+card\.png[^"]*)"', page.get_data(as_text=True)).group(1).replace("&amp;", "&")
    png = client.get(png_url)
    assert png.status_code == 200 and png.mimetype == "image/png"
    texts = decode(Image.open(io.BytesIO(png.data)))
    assert len(texts) == 1 and texts[0].startswith("OTK1.")
    sync_until_clean(agents())
    view, _ = till_sale.create_sale(store, open_till)
    view = till_sale.add_line(store, open_till, view["id"], barcode=AQUA_330)
    got = loyalty.attach(store, open_till, view["id"], card=texts[0])
    assert got["member"]["number"] == m["number"] and got["member"]["balance"] == 12


def test_an_account_link_with_a_wrong_key_is_not_found(central):
    use_test_key(central)
    m = new_member(central)
    client = central.extra["app"].test_client()
    assert client.get(f"/account/{m['number']}?k=wrong").status_code == 404
    assert client.get(f"/account/{m['number']}/card.png").status_code == 404


def test_the_member_qr_printed_on_a_receipt_decodes_to_a_card_the_till_accepts(central, store, open_till, agents):
    use_test_key(central)
    connect_store(store, central)
    bootstrap.enable(store, "points")
    m = new_member(central)
    sync_until_clean(agents())
    view, _ = till_sale.create_sale(store, open_till)
    view = till_sale.add_line(store, open_till, view["id"], barcode=AQUA_330, qty=3)
    loyalty.attach(store, open_till, view["id"], card=m["card"])
    view = till_sale.add_tender(store, open_till, view["id"], "cash", view["remaining"], None)
    done = checkout.complete(store, open_till, view["id"])
    job = render_receipt(get_receipt(store, done["number"]), store.config.printer)
    texts = [t for img in raster_images(job) for t in decode(img)]
    cards = [t for t in texts if t.startswith("OTK1.")]
    assert len(cards) == 1, texts
    assert loyalty.read_card(store, cards[0]).member_id == m["id"]
    assert b"Poin didapat" in job and b"QR member Anda" in job


def account_key_for(central, member_id):
    with central.extra["app"].test_request_context():
        return account_key(member_id)
