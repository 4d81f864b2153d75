"""The head office's admin pages as an Indonesian-speaking operator reads them: refusals and store health in words
and store names, not central's English, codes or snake_case; irreversible buttons ask first."""

from __future__ import annotations

import re

import pytest
from checkkit import pusher
from sqlalchemy import update
from synckit import STORE, central, make_event, pg_url, sale_payload  # noqa: F401
from test_central_admin import admin  # noqa: F401

from central.services import push as push_service
from central.tables import Store


def _table(html: str, table: str) -> str:
    body = re.search(rf'<table id="{table}">.*?</table>', html, re.S)
    assert body is not None
    return body.group(0)


def _shown(html: str) -> str:
    """The text a reader sees without opening a <details>."""
    html = re.sub(r"<details>.*?</details>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
def test_refused_events_and_store_health_on_the_indonesian_dashboard_are_in_indonesian_with_store_names(
    admin,  # noqa: F811
    central,  # noqa: F811
):
    p = pusher(central, STORE)
    sale = sale_payload(STORE, 1)
    sale["total"] = sale["paid"] = sale["tenders"][0]["amount"] = sale["total"] + 5000  # totals that do not add up
    p.push("sale.completed", sale)
    push_service.push(central.ctx, STORE, "x", [make_event(2, sale_payload(STORE, 2, skus=["SKU-NEW-1"]))])
    with central.ctx.db.unit_of_work() as s:
        s.execute(update(Store).where(Store.id == STORE).values(reported_printer="error"))
    html = admin.get("/admin/?lang=id").get_data(as_text=True)

    stores_row = _shown(_table(html, "stores"))
    assert "Penjualan memiliki total yang tidak sama dengan jumlah baris-barisnya" in stores_row
    assert "refused" not in stores_row and "totals_do_not_add_up" not in stores_row and "the lines" not in stores_row
    health = _shown(_table(html, "store-health"))
    assert "Omnitoko Kemang TOKO-01" in health and "bermasalah" in health and "error" not in health
    dead = _shown(_table(html, "dead-letters"))
    assert "SKU tidak ditemukan" in dead and "Omnitoko Kemang" in dead
    assert "unknown_sku" not in dead and "not in the central catalog" not in dead and "the lines" not in dead
    assert "SKU-NEW-1 is not in the central catalog" in _table(html, "dead-letters")  # the detail, one click away

    english = admin.get("/admin/?lang=en").get_data(as_text=True)
    assert "Sale has totals its lines do not add up to" in _shown(_table(english, "stores"))
    assert "SKU SKU-NEW-1 is not in the central catalog" in _shown(_table(english, "dead-letters"))
