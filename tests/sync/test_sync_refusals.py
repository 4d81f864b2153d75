"""A refused event, end to end: the agent keeps central's refusal and the manager's sync page says what did not
hold; central flags the store. The honest sales around it go through (SQLite and PostgreSQL)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from synckit import STORE, agents, central, connect_store, pg_url, queue_events, sale_payload  # noqa: F401

from central.services import stores
from central.tables import Sale
from pos.services import sync_health

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration"))
from test_manager_pages import Browser  # noqa: E402


def test_a_forged_sale_is_kept_as_a_refusal_and_shown_on_the_sync_page(central, store, agents):
    connect_store(store, central)
    forged = sale_payload(STORE, 2)
    forged["total"] += 50_000  # the lines do not add up to it
    forged["tenders"][0]["amount"] = forged["paid"] = forged["total"]
    queue_events(
        store.db,
        STORE,
        [
            ("sale.completed", sale_payload(STORE, 1)),
            ("sale.completed", forged),
            ("sale.completed", sale_payload(STORE, 3)),
        ],
    )
    agents().round()
    assert central.count(Sale) == 2
    refused = sync_health.sync_health(store)["refused"]
    assert refused["count"] == 1 and refused["last"]["code"] == "totals_do_not_add_up"
    assert refused["last"]["why"] == "has totals its lines do not add up to"
    from pos.web.app import create_app

    web = Browser(create_app(store.config, store.db))
    assert web.sign_in().status_code == 302
    page = web.get("/manager/sync").get_data(as_text=True)
    banner = re.search(r'<p class="note bad" id="refused">(.*?)</p>', page, re.S)
    assert banner is not None and "Pusat menolak 1 event" in banner.group(1)
    # what was refused in the page's language (the catalog's words), central's own reason beside it
    assert "memiliki total yang tidak sama dengan jumlah baris-barisnya" in banner.group(1)
    assert "has totals" not in page and "Rp 57.000" in banner.group(1)
    english = web.get("/manager/sync?lang=en").get_data(as_text=True)
    assert "has totals its lines do not add up to" in english
    flag = next(s for s in stores.store_overview(central.ctx) if s["id"] == STORE)
    assert flag["refused"] == 1 and "totals_do_not_add_up" in flag["last_refusal"]
